import { type SourceInput, sourceInputArgs } from '../probe/sourceInput.js';

/**
 * The largest single block ffmpeg and ffprobe may allocate. A hostile file can state an index
 * or a picture that needs gigabytes (a 2 KB MP4 whose sample table lists 89 million samples, a
 * 1 MB PNG of 16000x16000): with the default (2 GiB) every run over it spent seconds and 2 GB
 * of memory before failing, and on a smaller function the kernel's kill looked like a crash to
 * retry. 512 MiB holds the largest accepted picture (8192x8192 RGBA is 256 MiB); such a file
 * now fails at once, the probe still reading its stated size for TOO_LARGE_RESOLUTION.
 */
export const MAX_ALLOC_ARGS = ['-max_alloc', String(512 * 1024 * 1024)] as const;

/** Options every ffmpeg run starts with: the allocation cap, quiet except errors, never reading stdin, overwriting. */
export const FFMPEG_BASE_ARGS = [...MAX_ALLOC_ARGS, '-hide_banner', '-nostdin', '-loglevel', 'error', '-y'] as const;

/** Options every ffprobe run starts with: the allocation cap, quiet except errors. */
export const FFPROBE_BASE_ARGS = [...MAX_ALLOC_ARGS, '-v', 'error'] as const;

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

/**
 * Output options for one HLS rendition written to `dir` (`index.m3u8` + `seg_NNNNN.ts`). `vod`
 * writes the playlist once, at the end; `event` rewrites it (to a temporary file, renamed) after
 * every segment, so segments can be published while the rest is encoded.
 */
export function hlsOutputArgs(dir: string, segmentSeconds: string, flags: readonly string[] = [], playlistType: 'vod' | 'event' = 'vod'): string[] {
  return [
    '-f', 'hls',
    '-hls_time', segmentSeconds,
    '-hls_playlist_type', playlistType,
    ...(flags.length === 0 ? [] : ['-hls_flags', flags.join('+')]),
    '-hls_segment_filename', `${dir}/seg_%05d.ts`,
    `${dir}/index.m3u8`,
  ];
}
