import { describe, expect, it } from 'vitest';
import { usageUpdate } from '../../../../../lambdas/shared/usage/usageUpdate.js';

describe('usageUpdate', () => {
  it('keeps only the names and values the expressions use, which DynamoDB insists on', () => {
    expect(usageUpdate('SET #active.#upload = :share', '#hour = :hour', { ':share': 1, ':hour': 2, ':unused': 3 }, { '#upload': 'u1', '#other': 'x' })).toEqual({
      update: 'SET #active.#upload = :share',
      condition: '#hour = :hour',
      names: { '#active': 'active', '#upload': 'u1', '#hour': 'hour' },
      values: { ':share': 1, ':hour': 2 },
    });
  });

  it('throws on a placeholder without a name or a value, a bug in the plan', () => {
    expect(() => usageUpdate('SET #nope = :one', 'attribute_exists(#ownerId)', { ':one': 1 })).toThrow('#nope, which has no attribute name');
    expect(() => usageUpdate('SET #hour = :missing', 'attribute_exists(#ownerId)', {})).toThrow(':missing, which has no value');
  });
});
