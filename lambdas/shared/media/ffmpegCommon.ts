/** Options every ffmpeg run starts with: quiet except errors, never reading stdin, overwriting. */
export const FFMPEG_BASE_ARGS = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'] as const;

/** Machine-readable progress on stdout instead of the status line on stderr. */
export const FFMPEG_PROGRESS_ARGS = ['-progress', 'pipe:1', '-nostats'] as const;

/** Seconds as ffmpeg reads them: plain decimal, at most millisecond precision. */
export function seconds(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** Read/write timeout for network inputs, in microseconds: a stalled GET fails instead of hanging. */
export const NETWORK_TIMEOUT_US = '30000000';

/** Input options for an original read over HTTP (a presigned URL); none for a local file. */
export function networkInputArgs(input: string): string[] {
  return /^https?:/i.test(input) ? ['-rw_timeout', NETWORK_TIMEOUT_US] : [];
}
