import { type SourceInput, sourceInputArgs } from './sourceInput.js';

/** Options every ffmpeg run starts with: quiet except errors, never reading stdin, overwriting. */
export const FFMPEG_BASE_ARGS = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'] as const;

/** Machine-readable progress on stdout instead of the status line on stderr. */
export const FFMPEG_PROGRESS_ARGS = ['-progress', 'pipe:1', '-nostats'] as const;

/** Seconds as ffmpeg reads them: plain decimal, at most millisecond precision. */
export function seconds(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/**
 * The start of a transcoding run that reports progress: base options, progress on stdout, an
 * optional read limit (`-t` before `-i` stops reading there), and the original as
 * `sourceInputArgs` opens it.
 */
export function transcodeInputArgs(source: SourceInput, readLimitSeconds: number | undefined): string[] {
  return [
    ...FFMPEG_BASE_ARGS,
    ...FFMPEG_PROGRESS_ARGS,
    ...(readLimitSeconds === undefined ? [] : ['-t', seconds(readLimitSeconds)]),
    ...sourceInputArgs(source),
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
