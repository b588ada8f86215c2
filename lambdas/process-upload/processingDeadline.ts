/** Time kept back from the function's own deadline to record a failure and clean up. */
export const MAX_RESERVE_MS = 60_000;
const RESERVE_FRACTION = 0.2;

/**
 * When ffmpeg must have finished: the invocation's deadline less a reserve (a fifth of the
 * time, at most a minute), so a run that would overrun is killed and the upload failed as
 * TIMED_OUT instead of Lambda killing everything and leaving the upload `processing`.
 */
export function processingDeadline(now: number, remainingMs: number): number {
  return now + remainingMs - Math.min(MAX_RESERVE_MS, remainingMs * RESERVE_FRACTION);
}
