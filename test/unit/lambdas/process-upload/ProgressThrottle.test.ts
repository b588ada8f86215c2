import { describe, expect, it } from 'vitest';
import { ProgressThrottle } from '../../../../lambdas/process-upload/ProgressThrottle.js';

describe('ProgressThrottle', () => {
  it('lets the first value through, then only values both 2 s and 5 points on', () => {
    let now = 0;
    const throttle = new ProgressThrottle({ now: () => now });
    expect(throttle.accept(1)).toBe(true);
    expect(throttle.accept(50)).toBe(false);
    now = 2_000;
    expect(throttle.accept(5)).toBe(false);
    expect(throttle.accept(6)).toBe(true);
    now = 3_999;
    expect(throttle.accept(90)).toBe(false);
    now = 4_000;
    expect(throttle.accept(90)).toBe(true);
  });

  it('measures from a value written elsewhere after reset', () => {
    let now = 0;
    const throttle = new ProgressThrottle({ now: () => now, minIntervalMs: 1000, minStep: 10 });
    throttle.reset(40);
    now = 1_000;
    expect(throttle.accept(45)).toBe(false);
    expect(throttle.accept(50)).toBe(true);
  });
});
