/** One `-progress` report: how far the output has got. */
export interface FfmpegProgress {
  /** Output time reached, in seconds. */
  readonly outTimeSeconds: number;
  /** True on the final report (`progress=end`). */
  readonly done: boolean;
}

/**
 * Reads ffmpeg's `-progress pipe:1` output: blocks of `key=value` lines, each ending with
 * `progress=continue` or `progress=end`. The time comes from `out_time_us`; builds older than
 * late 2018 lack it and give the same microseconds as `out_time_ms` (misnamed upstream), and
 * `out_time` (`HH:MM:SS.micro`) is the last resort. Values are `N/A` until the first frame.
 */
export class FfmpegProgressParser {
  private fields = new Map<string, string>();

  /** Feeds one line; returns a report when the line closes a block with a known time. */
  push(line: string): FfmpegProgress | undefined {
    const separator = line.indexOf('=');
    if (separator <= 0) return undefined;
    const key = line.slice(0, separator).trim();
    const value = line.slice(separator + 1).trim();
    if (key !== 'progress') {
      this.fields.set(key, value);
      return undefined;
    }
    const outTimeSeconds = this.outTimeSeconds();
    this.fields = new Map();
    if (outTimeSeconds === undefined) return undefined;
    return { outTimeSeconds, done: value === 'end' };
  }

  private outTimeSeconds(): number | undefined {
    const micros = parseMicros(this.fields.get('out_time_us')) ?? parseMicros(this.fields.get('out_time_ms'));
    if (micros !== undefined) return micros / 1_000_000;
    return parseClock(this.fields.get('out_time'));
  }
}

function parseMicros(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  return Math.max(0, Number(value));
}

function parseClock(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value);
  if (!match) return undefined;
  if (match[1] === '-') return 0;
  return Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4]);
}

/** Whole percent of `durationSeconds` reached, 0 to 100. */
export function progressPercent(outTimeSeconds: number, durationSeconds: number): number {
  if (!(durationSeconds > 0)) return 0;
  return Math.min(100, Math.max(0, Math.floor((outTimeSeconds / durationSeconds) * 100)));
}
