import { MAX_THUMBNAILS } from '../plan/thumbnailPlan.js';

/**
 * How many frames the thumbnail capture takes: one at 0 s and one every interval while the video
 * lasts, at least one, at most the sprite's MAX_THUMBNAILS.
 */
export function thumbnailCaptureCount(durationSeconds: number, intervalSeconds: number): number {
  if (!(intervalSeconds > 0) || !(durationSeconds >= 0)) {
    throw new RangeError(`Thumbnails every ${intervalSeconds} s over ${durationSeconds} s cannot be counted`);
  }
  return Math.min(MAX_THUMBNAILS, Math.max(1, Math.ceil(durationSeconds / intervalSeconds)));
}
