import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { peakSegmentBitRate } from '../../../../../lambdas/process-upload/hls/peakSegmentBitRate.js';

const seg = (kilobytes: number, durationSeconds: number) => ({ bytes: kilobytes * 1000, durationSeconds });

describe('peakSegmentBitRate', () => {
  it('is the largest rate of any run lasting 0.5 to 1.5 target durations', () => {
    // Target 6 s: runs of 3 to 9 s. [0] 6 s at 400 kbit/s; [1]+[2] 4 s+4 s = 8 s at 800 kbit/s.
    expect(peakSegmentBitRate([seg(300, 6), seg(400, 4), seg(400, 4)], 6)).toBe(800_000);
  });

  it('does not count a short keyframe-heavy last segment alone', () => {
    // The 0.5 s sliver alone runs at 3.2 Mbit/s, but it is no run of 3 s; with the segment before it
    // the run is 6.5 s at 615 kbit/s.
    expect(peakSegmentBitRate([seg(300, 6), seg(300, 6), seg(200, 0.5)], 6)).toBeCloseTo(615_385, 0);
  });

  it('skips runs longer than 1.5 target durations', () => {
    expect(peakSegmentBitRate([seg(100, 10)], 6)).toBeUndefined();
  });

  it('is undefined when no run is long enough', () => {
    expect(peakSegmentBitRate([seg(50, 2)], 6)).toBeUndefined();
    expect(peakSegmentBitRate([], 6)).toBeUndefined();
  });

  it('is never below the rate of the busiest qualifying single segment, nor above the busiest second of any run', () => {
    const segments = fc.array(fc.record({ bytes: fc.integer({ min: 0, max: 2_000_000 }), durationSeconds: fc.double({ min: 3, max: 9, noNaN: true }) }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(segments, (list) => {
        const peak = peakSegmentBitRate(list, 6) as number;
        const singles = list.map((s) => (s.bytes * 8) / s.durationSeconds);
        expect(peak).toBeGreaterThanOrEqual(Math.max(...singles) - 1e-6);
        // A run's rate is a weighted mean of its segments', so no run beats its busiest segment.
        expect(peak).toBeLessThanOrEqual(Math.max(...singles) + 1e-6);
      }),
    );
  });
});
