import { describe, expect, it } from 'vitest';
import { describeValue } from '../../../../../lambdas/shared/validation/describeValue.js';

describe('describeValue', () => {
  it('quotes a value as JSON, cut at 100 characters', () => {
    expect(describeValue('abc')).toBe('"abc"');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue('x'.repeat(500))).toBe(`"${'x'.repeat(99)}…`);
  });

  it('names the kind of a value nested too deep to print, instead of overflowing the stack', () => {
    let deep: unknown = [];
    for (let depth = 0; depth < 100_000; depth += 1) deep = [deep];
    expect(describeValue(deep)).toBe('an array');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(describeValue(cycle)).toBe('object');
  });
});
