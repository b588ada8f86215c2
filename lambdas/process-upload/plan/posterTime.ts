/** The poster comes from 10% into the video, but never later than this. */
export const POSTER_MAX_SECONDS = 10;
export const POSTER_FRACTION = 0.1;

/** When the poster frame is taken: a tenth in (past a black first frame), capped. */
export function posterTime(durationSeconds: number | undefined): number {
  if (durationSeconds === undefined) return 0;
  return Math.min(durationSeconds * POSTER_FRACTION, POSTER_MAX_SECONDS);
}
