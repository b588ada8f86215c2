/**
 * H.264 levels (ITU-T H.264 Table A-1): the smallest level whose frame size, macroblock rate
 * and bitrate (High profile: 1.25x the base limits) fit a rendition. x264 is told the level, so
 * the CODECS attribute of the master playlist states what the stream really is.
 */
interface Level {
  readonly name: string;
  readonly idc: number;
  /** Macroblocks per second. */
  readonly maxMbps: number;
  /** Macroblocks per frame. */
  readonly maxFs: number;
  /** Base-profile max bitrate, kbit/s. */
  readonly maxBrKbps: number;
}

const LEVELS: readonly Level[] = [
  { name: '3.0', idc: 30, maxMbps: 40_500, maxFs: 1_620, maxBrKbps: 10_000 },
  { name: '3.1', idc: 31, maxMbps: 108_000, maxFs: 3_600, maxBrKbps: 14_000 },
  { name: '3.2', idc: 32, maxMbps: 216_000, maxFs: 5_120, maxBrKbps: 20_000 },
  { name: '4.0', idc: 40, maxMbps: 245_760, maxFs: 8_192, maxBrKbps: 20_000 },
  { name: '4.1', idc: 41, maxMbps: 245_760, maxFs: 8_192, maxBrKbps: 50_000 },
  { name: '4.2', idc: 42, maxMbps: 522_240, maxFs: 8_704, maxBrKbps: 50_000 },
  { name: '5.0', idc: 50, maxMbps: 589_824, maxFs: 22_080, maxBrKbps: 135_000 },
  { name: '5.1', idc: 51, maxMbps: 983_040, maxFs: 36_864, maxBrKbps: 240_000 },
  { name: '5.2', idc: 52, maxMbps: 2_073_600, maxFs: 36_864, maxBrKbps: 240_000 },
];

const HIGH_PROFILE_BITRATE_FACTOR = 1.25;

export interface H264Level {
  readonly name: string;
  readonly idc: number;
}

export function h264Level(width: number, height: number, fps: number, maxrateKbps: number): H264Level {
  const widthMbs = Math.ceil(width / 16);
  const heightMbs = Math.ceil(height / 16);
  const frameMbs = widthMbs * heightMbs;
  const level = LEVELS.find(
    (candidate) =>
      frameMbs <= candidate.maxFs &&
      // A.3.1: neither side may exceed sqrt(8 x MaxFS) macroblocks, so a very wide frame needs a higher level.
      Math.max(widthMbs, heightMbs) <= Math.sqrt(8 * candidate.maxFs) &&
      frameMbs * fps <= candidate.maxMbps &&
      maxrateKbps <= candidate.maxBrKbps * HIGH_PROFILE_BITRATE_FACTOR,
  );
  if (!level) throw new RangeError(`No H.264 level fits ${width}x${height} at ${fps} fps and ${maxrateKbps} kbit/s`);
  return { name: level.name, idc: level.idc };
}

/** High profile: profile_idc 100 (0x64), no constraint flags (what x264 writes for High). */
const HIGH_PROFILE_PREFIX = 'avc1.6400';

/** The RFC 6381 codec string of a High-profile stream at this level, e.g. `avc1.64001f` for 3.1. */
export function avc1Codec(level: H264Level): string {
  return `${HIGH_PROFILE_PREFIX}${level.idc.toString(16).padStart(2, '0')}`;
}

/** AAC-LC, what ffmpeg's native `aac` encoder writes. */
export const AAC_LC_CODEC = 'mp4a.40.2';
