import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { Auth, type AuthProps } from '../../lib/Auth.js';
import { logicalId, testStack } from './testApp.js';

function synth(props?: AuthProps) {
  const stack = testStack();
  const auth = new Auth(stack, 'Auth', props);
  return { stack, auth, template: Template.fromStack(stack) };
}

describe('Auth', () => {
  it('creates a user pool with email sign-in, a strong password policy and optional TOTP MFA by default', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
  });

  it('lets only administrators create users unless self sign-up is turned on', () => {
    synth().template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    synth({ userPool: { selfSignUp: true } }).template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    });
  });

  it('creates an app client without a secret that signs in with SRP and refreshes tokens', () => {
    const { template } = synth();
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
    });
  });

  it("gives the pool's issuer URL and the app client id as the JWT issuer and audience", () => {
    const { stack, auth } = synth();
    expect(stack.resolve(auth.jwtIssuer)).toEqual({
      'Fn::Join': [
        '',
        [
          'https://cognito-idp.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/',
          { Ref: logicalId(auth.userPool!) },
        ],
      ],
    });
    expect(stack.resolve(auth.jwtAudience)).toEqual([{ Ref: logicalId(auth.userPoolClient!) }]);
  });

  it('enforces threat protection on the Plus plan when threatProtection is on', () => {
    const { template } = synth({ userPool: { threatProtection: true } });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('creates no user pool and passes an external issuer and audience through', () => {
    const { auth, template } = synth({ jwtIssuer: 'https://issuer.example.com', jwtAudience: ['media-app'] });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    expect(auth.userPool).toBeUndefined();
    expect(auth.jwtIssuer).toBe('https://issuer.example.com');
    expect(auth.jwtAudience).toEqual(['media-app']);
  });

  it('rejects an external issuer that is not an https URL, naming it', () => {
    expect(() => synth({ jwtIssuer: 'http://issuer.example.com', jwtAudience: ['media-app'] })).toThrow(
      "auth.jwtIssuer must be an https URL, got 'http://issuer.example.com'",
    );
  });

  it('rejects an external issuer without an audience', () => {
    expect(() => synth({ jwtIssuer: 'https://issuer.example.com', jwtAudience: [] })).toThrow(
      'auth.jwtAudience needs at least one non-empty value, got []',
    );
  });
});
