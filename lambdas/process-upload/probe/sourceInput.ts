import type { MediaKind } from '../../shared/mediaPolicy.js';

/**
 * How every ffmpeg and ffprobe run opens an original: the one place that decides what an
 * uploaded file may make them read. An upload is hostile until proven otherwise, and both
 * tools guess a format from the bytes and follow what the file names: an HLS or DASH manifest,
 * an ffconcat list or an image2 pattern uploaded as `video/mp4` makes them fetch any URL or
 * read any file it lists. So:
 *
 * - the probe may pick only a demuxer this pipeline accepts (`-format_whitelist`), none of
 *   which opens another input; validation then requires one accepted for the declared kind;
 * - every later run forces the demuxer the probe found (`-f`), so probe and transcode cannot
 *   read the same bytes differently;
 * - the only protocols are http and tcp, for the loopback SourceServer that serves the one
 *   original (`-protocol_whitelist`, which nested opens inherit);
 * - the layer's ffmpeg is built without the other demuxers and protocols too (layers/ffmpeg/build.sh).
 *
 * Command builders take a `SourceInput`, never a bare URL, so none can skip this.
 */

/**
 * The demuxers an original of each kind may be read with (ffmpeg's names; a format whose name
 * lists several, like `mov,mp4,m4a,3gp,3g2,mj2`, is named by its first). They cover the
 * default accepted content types: MP4/MOV/3GP (`mov`), WebM/Matroska, MPEG-TS; MP3, AAC (ADTS),
 * WAV, FLAC, Ogg, M4A, WebM audio; PNG, JPEG, WebP and GIF read as single images.
 */
export const ACCEPTED_DEMUXERS: Readonly<Record<MediaKind, readonly string[]>> = {
  video: ['mov', 'matroska', 'mpegts'],
  audio: ['mp3', 'aac', 'wav', 'flac', 'ogg', 'mov', 'matroska'],
  image: ['png_pipe', 'jpeg_pipe', 'webp_pipe', 'gif'],
};

/** The protocols an original is read through: ffmpeg's http client over tcp, to 127.0.0.1. */
export const SOURCE_PROTOCOLS = 'http,tcp';

/** Read/write timeout for the original, in microseconds: a stalled read fails instead of hanging. */
export const SOURCE_TIMEOUT_US = '30000000';

/** An original as ffmpeg may read it: where, and with which demuxer (the one its probe found). */
export interface SourceInput {
  readonly url: string;
  readonly demuxer: string;
}

/**
 * `-reconnect 1`: a connection dropped mid-read is resumed with a range request. Without it
 * ffmpeg takes the drop for the end of the file and exits 0 with part of the output, which
 * would fail a good upload for good as truncated.
 */
const NETWORK_ARGS = ['-rw_timeout', SOURCE_TIMEOUT_US, '-reconnect', '1'] as const;

/** Every demuxer accepted for some kind: what a probe may pick, so it can tell what a file of the wrong kind holds. */
export const PROBE_DEMUXERS: readonly string[] = [...new Set(Object.values(ACCEPTED_DEMUXERS).flat())];

/** Input options for probing an original: the demuxer is still unknown, but only accepted ones may win. */
export function probeSourceArgs(url: string): string[] {
  return ['-protocol_whitelist', SOURCE_PROTOCOLS, '-format_whitelist', PROBE_DEMUXERS.join(','), ...NETWORK_ARGS, '-i', url];
}

/** Input options and the input for every run after the probe: its demuxer forced. Goes last before `-i`'s output options. */
export function sourceInputArgs(source: SourceInput): string[] {
  return [
    '-protocol_whitelist', SOURCE_PROTOCOLS,
    '-format_whitelist', source.demuxer,
    '-f', source.demuxer,
    ...NETWORK_ARGS,
    '-i', source.url,
  ];
}

/**
 * The demuxer to force for a probed `format_name` (`mov,mp4,m4a,3gp,3g2,mj2` → `mov`), or
 * undefined when it is not one accepted for `kind`.
 */
export function acceptedDemuxer(formatName: string, kind: MediaKind): string | undefined {
  const names = formatName.split(',');
  return ACCEPTED_DEMUXERS[kind].find((demuxer) => names.includes(demuxer));
}

/**
 * Input options for files this function made itself (segments, thumbnail frames), written to
 * ffmpeg's stdin by the caller in order: a pipe and one named demuxer, no file names for a
 * demuxer to expand or follow.
 */
export function pipedInputArgs(demuxer: string): string[] {
  return ['-protocol_whitelist', 'pipe', '-f', demuxer, '-i', 'pipe:0'];
}
