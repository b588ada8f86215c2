import { describe, expect, it } from 'vitest';
import { scheduledTime } from '../../../../lambdas/apply-retention/scheduledTime.js';

describe('scheduledTime', () => {
  const now = new Date('2025-03-01T12:00:00.000Z');

  it("is the tick's time that a scheduled event carries", () => {
    expect(scheduledTime({ time: '2025-02-01T00:00:00Z' }, now)).toEqual(new Date('2025-02-01T00:00:00Z'));
  });

  it('is now for an event without a readable time', () => {
    expect(scheduledTime(undefined, now)).toBe(now);
    expect(scheduledTime({ time: 'yesterday-ish' }, now)).toBe(now);
  });
});
