import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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
  /** Peak bits per second over any one segment. */
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
  let totalBytes = 0;
  let durationSeconds = 0;
  let peakBandwidth = 0;
  for (const segment of segments) {
    const size = await sizeOf(segment.uri);
    totalBytes += size;
    durationSeconds += segment.durationSeconds;
    // A final sliver of a segment would overstate the peak; measure it over at least one second.
    peakBandwidth = Math.max(peakBandwidth, (size * 8) / Math.max(segment.durationSeconds, 1));
  }
  const averageBandwidth = durationSeconds > 0 ? Math.round((totalBytes * 8) / durationSeconds) : 0;
  return {
    durationSeconds,
    peakBandwidth: Math.round(Math.max(peakBandwidth, averageBandwidth)),
    averageBandwidth,
    segmentCount: segments.length,
  };
}
