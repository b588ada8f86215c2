import { describe, expect, it } from 'vitest';
import { thumbnailCaptureCount } from '../../../../../lambdas/process-upload/mediaconvert/thumbnailCaptureCount.js';
import { MAX_THUMBNAILS, planThumbnails } from '../../../../../lambdas/process-upload/plan/thumbnailPlan.js';

describe('thumbnailCaptureCount', () => {
  it.each([
    [2700, 27, 100],
    [120, 2, 60],
    [121, 2, 61],
    [0.5, 2, 1],
    [0, 2, 1],
    [10_000, 2, MAX_THUMBNAILS],
  ])('takes, over %f s every %i s, %i frames', (duration, interval, count) => {
    expect(thumbnailCaptureCount(duration, interval)).toBe(count);
  });

  it('fills the sprite at most, whatever the length, with the planned interval', () => {
    for (const duration of [1, 59, 199, 200, 201, 3600, 4 * 3600]) {
      const count = thumbnailCaptureCount(duration, planThumbnails(duration, 426, 240).intervalSeconds);
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(MAX_THUMBNAILS);
    }
  });

  it('refuses an interval that is not positive, naming it', () => {
    expect(() => thumbnailCaptureCount(60, 0)).toThrow('Thumbnails every 0 s over 60 s cannot be counted');
  });
});
