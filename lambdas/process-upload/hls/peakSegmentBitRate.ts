/** One segment as the bit-rate rules count it. */
export interface SizedSegment {
  readonly bytes: number;
  readonly durationSeconds: number;
}

/**
 * The peak segment bit rate as the HLS spec defines what BANDWIDTH states (RFC 8216 and its
 * successor, section 4.1): the largest bit rate of any contiguous run of segments lasting between
 * 0.5 and 1.5 target durations, a run's rate being its bytes over its seconds. Counting each
 * segment alone instead overstated it wherever a short segment started with a keyframe: a still
 * 720p clip stated 1.73 times its real peak. Undefined when no run is long enough (a playlist
 * shorter than half a target duration); its average is then the only rate there is.
 */
export function peakSegmentBitRate(segments: readonly SizedSegment[], targetDurationSeconds: number): number | undefined {
  const shortest = 0.5 * targetDurationSeconds;
  const longest = 1.5 * targetDurationSeconds;
  let peak: number | undefined;
  for (let start = 0; start < segments.length; start++) {
    let bytes = 0;
    let seconds = 0;
    for (let end = start; end < segments.length; end++) {
      const segment = segments[end] as SizedSegment;
      bytes += segment.bytes;
      seconds += segment.durationSeconds;
      if (seconds > longest) break;
      if (seconds >= shortest) peak = Math.max(peak ?? 0, (bytes * 8) / seconds);
    }
  }
  return peak;
}
