import { describe, expect, it } from 'vitest';
import { authorizerClaims, authorizerScopes } from '../../../../local/auth/authorizerClaims.js';

describe('authorizerClaims', () => {
  it('turns every claim into a string the way API Gateway passes them', () => {
    expect(
      authorizerClaims({ sub: 'u-1', exp: 1_900_000_000, email_verified: true, 'cognito:groups': ['admins', 'users'], address: { city: 'Oslo' } }),
    ).toEqual({ sub: 'u-1', exp: '1900000000', email_verified: 'true', 'cognito:groups': '[admins users]', address: '{"city":"Oslo"}' });
  });

  it('leaves out claims without a value', () => {
    expect(authorizerClaims({ sub: 'u-1', nbf: undefined })).toEqual({ sub: 'u-1' });
  });
});

describe('authorizerScopes', () => {
  it('splits the scope claim', () => {
    expect(authorizerScopes({ scope: 'openid  email' })).toEqual(['openid', 'email']);
  });

  it('is null without a scope claim', () => {
    expect(authorizerScopes({ sub: 'u' })).toBeNull();
  });
});
