import { peakSegmentBitRate } from '../../lambdas/process-upload/hls/peakSegmentBitRate.js';
import type { EmulatedVariant } from './emulatedFfmpegCommand.js';

/** A variant playlist as written, with each segment's size in bytes. */
export interface MeasuredVariant {
  readonly variant: EmulatedVariant;
  readonly segments: readonly { readonly uri: string; readonly seconds: number; readonly bytes: number }[];
}

/** The segments a VOD media playlist lists, with their #EXTINF durations. */
export function playlistSegments(playlist: string): { uri: string; seconds: number }[] {
  const segments: { uri: string; seconds: number }[] = [];
  let seconds: number | undefined;
  for (const raw of playlist.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) seconds = Number.parseFloat(line.slice('#EXTINF:'.length));
    else if (line !== '' && !line.startsWith('#') && seconds !== undefined) {
      segments.push({ uri: line, seconds });
      seconds = undefined;
    }
  }
  return segments;
}

export function variantSeconds(measured: MeasuredVariant): number {
  return measured.segments.reduce((total, segment) => total + segment.seconds, 0);
}

/**
 * The multivariant playlist MediaConvert writes as `<base>.m3u8` with CodecSpecification
 * RFC_6381 and StreamInfResolution INCLUDE: one EXT-X-STREAM-INF per output in job order, with
 * BANDWIDTH (the peak segment bitrate, as RFC 8216 defines it, measured here),
 * AVERAGE-BANDWIDTH, CODECS, RESOLUTION and FRAME-RATE. MediaConvert's exact attribute set and
 * order are not verified against AWS; our finishing code writes its own master from the
 * variants, so only the variant URIs here are relied on.
 */
export function emulatedMasterPlaylist(variants: readonly MeasuredVariant[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const measured of variants) {
    const { variant, segments } = measured;
    const seconds = variantSeconds(measured);
    const average = seconds > 0 ? (segments.reduce((total, segment) => total + segment.bytes, 0) * 8) / seconds : 0;
    const target = Math.ceil(Math.max(0, ...segments.map((segment) => segment.seconds)));
    const peak = peakSegmentBitRate(segments.map((segment) => ({ bytes: segment.bytes, durationSeconds: segment.seconds })), target) ?? average;
    const fps = variant.framerate.numerator / variant.framerate.denominator;
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${Math.ceil(peak)},AVERAGE-BANDWIDTH=${Math.ceil(average)},CODECS="${variant.codecs.join(',')}",` +
        `RESOLUTION=${variant.width}x${variant.height},FRAME-RATE=${fps.toFixed(3)}`,
      variant.playlist,
    );
  }
  return `${lines.join('\n')}\n`;
}
