import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

/** Options for the Cognito user pool the construct creates. */
export interface UserPoolAuthOptions {
  /**
   * Cognito threat protection (adaptive authentication, compromised-credential checks) in
   * full-function mode. It needs the Plus feature plan, billed per monthly active user.
   * @default false - Essentials plan, no threat protection
   */
  readonly threatProtection?: boolean;
  /**
   * Whether people can sign themselves up (with a verified email). Off, only an administrator
   * creates users: every account can run uploads and processing at the per-user limits, so a
   * stranger must not be able to mint accounts.
   * @default false
   */
  readonly selfSignUp?: boolean;
}

/** Use an identity provider that already exists: any OIDC issuer whose JWTs the API accepts. */
export interface ExternalJwtAuth {
  /** The `iss` of accepted tokens, an https URL (its `/.well-known/openid-configuration` must be reachable). */
  readonly jwtIssuer: string;
  /** Accepted `aud` (or, for Cognito access tokens, `client_id`) values; at least one. */
  readonly jwtAudience: readonly string[];
}

/** Create a Cognito user pool and app client. */
export interface CreatedUserPoolAuth {
  /** @default - the defaults of `UserPoolAuthOptions` */
  readonly userPool?: UserPoolAuthOptions;
}

export type AuthProps = (CreatedUserPoolAuth | ExternalJwtAuth) & {
  /**
   * What happens to a created user pool when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
};

/**
 * Who may call the API: by default a Cognito user pool (email sign-in) with an app client for
 * mobile and web apps (no secret, SRP sign-in, refresh tokens); or an existing JWT issuer and
 * audience, and then no pool at all. Either way it yields the issuer and audience that the HTTP
 * API's JWT authorizer checks.
 */
export class Auth extends Construct {
  readonly jwtIssuer: string;
  readonly jwtAudience: readonly string[];
  /**
   * Where the created pool's signing keys are (`{issuer}/.well-known/jwks.json`); undefined with
   * an external issuer, whose keys are found through its OpenID configuration.
   */
  readonly jwksUrl?: string;
  /** The created user pool; undefined with an external issuer. */
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthProps = {}) {
    super(scope, id);
    if ('jwtIssuer' in props) {
      validateExternal(props);
      this.jwtIssuer = props.jwtIssuer;
      this.jwtAudience = [...props.jwtAudience];
      return;
    }

    const options = props.userPool ?? {};
    const threatProtection = options.threatProtection ?? false;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.userPool = new UserPool(this, 'UserPool', {
      signInAliases: { email: true },
      autoVerify: { email: true },
      selfSignUpEnabled: options.selfSignUp ?? false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: threatProtection ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(threatProtection ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    this.userPoolClient = this.userPool.addClient('AppClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      // Apps sign in with SRP through the SDK; no hosted UI, so no OAuth callback URLs to manage.
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    this.jwtIssuer = `https://cognito-idp.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${this.userPool.userPoolId}`;
    this.jwtAudience = [this.userPoolClient.userPoolClientId];
    this.jwksUrl = `${this.jwtIssuer}/.well-known/jwks.json`;

    NagSuppressions.addResourceSuppressions(this.userPool, [
      {
        id: 'AwsSolutions-COG2',
        reason: 'MFA (TOTP) is offered to every user but not forced on consumers uploading media; requiring it is a product decision.',
      },
      ...(threatProtection
        ? []
        : [
            {
              id: 'AwsSolutions-COG3',
              reason: 'Threat protection needs the Cognito Plus plan (billed per active user); it is one prop away (userPool.threatProtection).',
            },
          ]),
    ]);
  }
}

function validateExternal(props: ExternalJwtAuth): void {
  if (Token.isUnresolved(props.jwtIssuer)) return;
  let url: URL | undefined;
  try {
    url = new URL(props.jwtIssuer);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') {
    throw new Error(`auth.jwtIssuer must be an https URL, got '${props.jwtIssuer}'`);
  }
  if (props.jwtAudience.length === 0 || props.jwtAudience.some((audience) => audience.trim() === '')) {
    throw new Error(`auth.jwtAudience needs at least one non-empty value, got ${JSON.stringify(props.jwtAudience)}`);
  }
}
