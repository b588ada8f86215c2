/** A frame rate as an exact fraction: MediaConvert's `FramerateNumerator / FramerateDenominator`, ffmpeg's `fps=N/D`. */
export interface FrameRate {
  readonly numerator: number;
  readonly denominator: number;
}

/** The NTSC family runs 1000/1001 slow: 30000/1001 is 29.970029…, which the plan rounds to 29.97. */
const NTSC_DENOMINATOR = 1001;
/** The plan states frame rates to 3 decimals (`outputFps`). */
const PLAN_PRECISION = 1000;

/**
 * The exact fraction for a planned frame rate. The plan rounds to 3 decimals, so an NTSC rate
 * (29.97, 59.94, 23.976, …) is read back as N×1000/1001, the source's own clock, rather than
 * 5994/100, which runs a frame apart from it every 4.6 hours and makes the encoder drop or repeat
 * one; any other rate is its reduced fraction over 1000 (25 → 25/1, 12.5 → 25/2).
 */
export function frameRate(fps: number): FrameRate {
  if (!Number.isFinite(fps) || fps <= 0) throw new RangeError(`Frame rate ${fps} is not a positive number`);
  const thousandths = Math.round(fps * PLAN_PRECISION);
  if (Math.abs(thousandths - fps * PLAN_PRECISION) > 1e-6) {
    throw new RangeError(`Frame rate ${fps} has more than 3 decimals; the plan states rates to 3 decimals`);
  }
  const ntscBase = Math.round((fps * NTSC_DENOMINATOR) / 1000);
  if (!Number.isInteger(fps) && ntscBase > 0 && roundToPlan((ntscBase * 1000) / NTSC_DENOMINATOR) === fps) {
    return { numerator: ntscBase * 1000, denominator: NTSC_DENOMINATOR };
  }
  const divisor = gcd(thousandths, PLAN_PRECISION);
  return { numerator: thousandths / divisor, denominator: PLAN_PRECISION / divisor };
}

function roundToPlan(value: number): number {
  return Math.round(value * PLAN_PRECISION) / PLAN_PRECISION;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
