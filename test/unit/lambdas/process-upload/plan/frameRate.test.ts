import { describe, expect, it } from 'vitest';
import { frameRate } from '../../../../../lambdas/process-upload/plan/frameRate.js';
import { outputFps } from '../../../../../lambdas/process-upload/plan/videoLadder.js';

describe('frameRate', () => {
  it.each([
    [29.97, 30000, 1001],
    [59.94, 60000, 1001],
    [23.976, 24000, 1001],
    [47.952, 48000, 1001],
    [25, 25, 1],
    [30, 30, 1],
    [60, 60, 1],
    [12.5, 25, 2],
    [29.5, 59, 2],
    [14.125, 113, 8],
  ])('gives %f fps as %i/%i', (fps, numerator, denominator) => {
    expect(frameRate(fps)).toEqual({ numerator, denominator });
  });

  it('reads back the exact NTSC rate the plan rounded, including a halved slow-motion one', () => {
    expect(frameRate(outputFps(30000 / 1001))).toEqual({ numerator: 30000, denominator: 1001 });
    expect(frameRate(outputFps(120000 / 1001))).toEqual({ numerator: 60000, denominator: 1001 });
  });

  it('keeps a rate near but not on the NTSC clock as it is', () => {
    expect(frameRate(29.971)).toEqual({ numerator: 29971, denominator: 1000 });
  });

  it.each([0, -25, Number.NaN, Number.POSITIVE_INFINITY])('refuses %f fps', (fps) => {
    expect(() => frameRate(fps)).toThrow(RangeError);
    expect(() => frameRate(fps)).toThrow(`Frame rate ${fps}`);
  });

  it('refuses a rate finer than the plan states, naming it', () => {
    expect(() => frameRate(29.9701)).toThrow('Frame rate 29.9701 has more than 3 decimals');
  });
});
