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

/**
 * Input options for an original read over HTTP (a presigned URL); none for a local file.
 * `-reconnect 1`: a connection dropped mid-read is resumed with a range request. Without it
 * ffmpeg takes the drop for the end of the file and exits 0 with part of the output, which
 * would fail a good upload for good as truncated.
 */
export function networkInputArgs(input: string): string[] {
  return /^https?:/i.test(input) ? ['-rw_timeout', NETWORK_TIMEOUT_US, '-reconnect', '1'] : [];
}

/**
 * The start of a transcoding run that reports progress: base options, progress on stdout, the
 * network timeout for a URL, an optional read limit (`-t` before `-i` stops reading there), and
 * the input.
 */
export function transcodeInputArgs(input: string, readLimitSeconds: number | undefined): string[] {
  return [
    ...FFMPEG_BASE_ARGS,
    ...FFMPEG_PROGRESS_ARGS,
    ...networkInputArgs(input),
    ...(readLimitSeconds === undefined ? [] : ['-t', seconds(readLimitSeconds)]),
    '-i',
    input,
  ];
}

/** Output options for one VOD HLS rendition written to `dir` (`index.m3u8` + `seg_NNNNN.ts`). */
export function hlsOutputArgs(dir: string, segmentSeconds: string, flags: readonly string[] = []): string[] {
  return [
    '-f', 'hls',
    '-hls_time', segmentSeconds,
    '-hls_playlist_type', 'vod',
    ...(flags.length === 0 ? [] : ['-hls_flags', flags.join('+')]),
    '-hls_segment_filename', `${dir}/seg_%05d.ts`,
    `${dir}/index.m3u8`,
  ];
}
