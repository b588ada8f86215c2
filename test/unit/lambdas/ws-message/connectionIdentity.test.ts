import { describe, expect, it } from 'vitest';
import { connectionIdentity } from '../../../../lambdas/ws-message/connectionIdentity.js';

describe('connectionIdentity', () => {
  it('reads the owner and the token expiry the $connect authorizer left', () => {
    expect(connectionIdentity('c1', { ownerId: 'owner-1', tokenExpiresAt: 1_740_834_000 })).toEqual({
      connectionId: 'c1',
      ownerId: 'owner-1',
      tokenExpiresAt: 1_740_834_000,
    });
  });

  it('reads an expiry passed as text, and the principal when the context has no ownerId', () => {
    expect(connectionIdentity('c1', { principalId: 'owner-1', tokenExpiresAt: '1740834000' })).toEqual({
      connectionId: 'c1',
      ownerId: 'owner-1',
      tokenExpiresAt: 1_740_834_000,
    });
  });

  it.each([
    ['no context', undefined],
    ['no owner', { tokenExpiresAt: 1 }],
    ['an empty owner', { ownerId: '', tokenExpiresAt: 1 }],
    ['no expiry', { ownerId: 'owner-1' }],
    ['an expiry that is not a number', { ownerId: 'owner-1', tokenExpiresAt: 'soon' }],
  ])('throws on %s, which no authorized connection can have', (_case, authorizer) => {
    expect(() => connectionIdentity('c1', authorizer)).toThrow('The message carries no authorizer context');
  });
});
