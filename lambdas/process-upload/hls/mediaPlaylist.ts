import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { peakSegmentBitRate, type SizedSegment } from './peakSegmentBitRate.js';

export interface MediaSegment {
  readonly uri: string;
  readonly durationSeconds: number;
}

/** The segments of an HLS media playlist, in order (`#EXTINF:<duration>,` then the URI). */
export function parseMediaPlaylist(text: string): MediaSegment[] {
  const segments: MediaSegment[] = [];
  let pending: number | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) {
      pending = Number.parseFloat(line.slice('#EXTINF:'.length));
    } else if (line !== '' && !line.startsWith('#') && pending !== undefined) {
      segments.push({ uri: line, durationSeconds: Number.isFinite(pending) ? pending : 0 });
      pending = undefined;
    }
  }
  return segments;
}

export interface RenditionStats {
  readonly durationSeconds: number;
  /** Peak segment bit rate, bits per second (`peakSegmentBitRate`): what BANDWIDTH states. */
  readonly peakBandwidth: number;
  /** Bits per second over the whole rendition. */
  readonly averageBandwidth: number;
  readonly segmentCount: number;
}

/**
 * Measures a rendition on disk from its playlist and segment sizes: what BANDWIDTH and
 * AVERAGE-BANDWIDTH must state (the HLS spec defines them on the segments as written, which
 * a bitrate cap only bounds), and the duration actually encoded.
 */
export async function measureRendition(playlistPath: string, playlistText: string): Promise<RenditionStats> {
  return measureSegments(playlistText, async (uri) => (await stat(join(dirname(playlistPath), uri))).size);
}

/** The same measure, wherever the segments are: `sizeOf` gives each segment's size in bytes from its URI. */
export async function measureSegments(playlistText: string, sizeOf: (uri: string) => number | Promise<number>): Promise<RenditionStats> {
  const segments = parseMediaPlaylist(playlistText);
  const sized: SizedSegment[] = [];
  for (const segment of segments) sized.push({ bytes: await sizeOf(segment.uri), durationSeconds: segment.durationSeconds });
  const totalBytes = sized.reduce((sum, segment) => sum + segment.bytes, 0);
  const durationSeconds = sized.reduce((sum, segment) => sum + segment.durationSeconds, 0);
  const averageBandwidth = durationSeconds > 0 ? Math.round((totalBytes * 8) / durationSeconds) : 0;
  const target = parseTargetDuration(playlistText) ?? Math.ceil(Math.max(0, ...segments.map((s) => s.durationSeconds)));
  const peak = peakSegmentBitRate(sized, target) ?? averageBandwidth;
  return {
    durationSeconds,
    peakBandwidth: Math.round(Math.max(peak, averageBandwidth)),
    averageBandwidth,
    segmentCount: segments.length,
  };
}

/** `#EXT-X-TARGETDURATION`, in seconds; undefined when the playlist states none. */
export function parseTargetDuration(text: string): number | undefined {
  const match = /^#EXT-X-TARGETDURATION:(\d+)\s*$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}
