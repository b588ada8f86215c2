import { describe, expect, it } from 'vitest';
import { endTimecode } from '../../../../../lambdas/process-upload/mediaconvert/endTimecode.js';

describe('endTimecode', () => {
  it.each([
    [1, '00:00:01:00'],
    [601, '00:10:01:00'],
    [1201, '00:20:01:00'],
    [14_401, '04:00:01:00'],
    [59.2, '00:01:00:00'],
    [3599.001, '01:00:00:00'],
    [359_999, '99:59:59:00'],
  ])('ends %f s in at %s, rounded up to a whole second', (seconds, timecode) => {
    expect(endTimecode(seconds)).toBe(timecode);
  });

  it.each([0, -1, 360_000, Number.NaN])('refuses %f s, which no HH:MM:SS:FF timecode states', (seconds) => {
    expect(() => endTimecode(seconds)).toThrow(RangeError);
    expect(() => endTimecode(seconds)).toThrow(`End time ${seconds} s`);
  });
});
