/** One variant stream of a master playlist. */
export interface VariantStream {
  /** Path of the media playlist, relative to the master. */
  readonly uri: string;
  /** Peak bits per second over any segment (HLS: BANDWIDTH). */
  readonly bandwidth: number;
  /** Average bits per second over the whole rendition (AVERAGE-BANDWIDTH); unknown while it is still encoded. */
  readonly averageBandwidth?: number;
  /** RFC 6381 codec strings, e.g. `['avc1.64001f', 'mp4a.40.2']`. */
  readonly codecs: readonly string[];
  readonly width?: number;
  readonly height?: number;
  readonly frameRate?: number;
}

/**
 * The HLS master playlist, written in code rather than by ffmpeg (`-master_pl_name`), so its
 * bandwidths are the segments' as written. Variants are listed as given (the starting one first:
 * plan/variantOrder.ts), each with the
 * attributes players choose by: measured peak and average bandwidth, resolution, frame rate and
 * codecs (so a player can skip a variant it cannot decode before fetching it).
 */
export function masterPlaylist(variants: readonly VariantStream[]): string {
  if (variants.length === 0) throw new RangeError('A master playlist needs at least one variant');
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const variant of variants) {
    const attributes = [`BANDWIDTH=${Math.round(variant.bandwidth)}`];
    if (variant.averageBandwidth !== undefined) attributes.push(`AVERAGE-BANDWIDTH=${Math.round(variant.averageBandwidth)}`);
    if (variant.width !== undefined && variant.height !== undefined) attributes.push(`RESOLUTION=${variant.width}x${variant.height}`);
    if (variant.frameRate !== undefined) attributes.push(`FRAME-RATE=${variant.frameRate.toFixed(3)}`);
    attributes.push(`CODECS="${variant.codecs.join(',')}"`);
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, variant.uri);
  }
  return `${lines.join('\n')}\n`;
}
