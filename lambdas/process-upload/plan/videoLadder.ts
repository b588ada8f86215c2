import { h264Level, type H264Level } from './h264Codec.js';

/**
 * The rendition ladder: one H.264/AAC rendition per rung whose short side the source reaches.
 * Bitrates are caps (capped CRF): a simple source encodes below them, a busy one at them.
 *
 * | rung  | short side | video max | audio |
 * |-------|-----------:|----------:|------:|
 * | 240p  |        240 |  400 kb/s | 64 kb/s |
 * | 360p  |        360 |  800 kb/s | 96 kb/s |
 * | 480p  |        480 | 1400 kb/s | 128 kb/s |
 * | 720p  |        720 | 2800 kb/s | 128 kb/s |
 * | 1080p |       1080 | 5000 kb/s | 128 kb/s |
 */
export interface Rung {
  readonly name: string;
  readonly shortSide: number;
  readonly videoKbps: number;
  readonly audioKbps: number;
}

export const VIDEO_LADDER: readonly Rung[] = [
  { name: '240p', shortSide: 240, videoKbps: 400, audioKbps: 64 },
  { name: '360p', shortSide: 360, videoKbps: 800, audioKbps: 96 },
  { name: '480p', shortSide: 480, videoKbps: 1400, audioKbps: 128 },
  { name: '720p', shortSide: 720, videoKbps: 2800, audioKbps: 128 },
  { name: '1080p', shortSide: 1080, videoKbps: 5000, audioKbps: 128 },
];

/**
 * A source whose short side lies between two rungs gets a rung of its own at its full size when
 * it is this much larger than the rung below (852x478 keeps 478 lines rather than stopping at
 * 360p); closer to the rung below, the extra encode would add little a viewer could see.
 */
export const SOURCE_RUNG_MIN_GAIN = 1.1;

/** Highest output frame rate; faster sources (slow-motion captures) are halved until they fit. */
export const MAX_OUTPUT_FPS = 60;
/**
 * Small renditions (short side up to this) run at most LOW_RUNG_MAX_FPS, as Apple's HLS
 * authoring spec ladders do: on a small screen and a slow link, 60 fps spends half the bits on
 * motion nobody sees, where 30 fps at the same cap gives each frame twice the bits.
 */
export const LOW_RUNG_MAX_SHORT_SIDE = 480;
export const LOW_RUNG_MAX_FPS = 30;
/**
 * Lowest output frame rate; slower sources (a slideshow at 0.4 fps) repeat frames up to it, so a
 * keyframe can land on every 2 s mark and segments stay within a second of their 6 s (at 0.4 fps
 * the cuts fell at 7.5 s, past the target duration the playlists declare).
 */
export const MIN_OUTPUT_FPS = 1;
/** Frame rate assumed when the probe states none. */
const FALLBACK_FPS = 30;

export interface RenditionPlan {
  /** Folder name under the upload's media prefix, e.g. `720p`. */
  readonly name: string;
  /** Even output dimensions, in display orientation. */
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly videoKbps: number;
  readonly audioKbps: number;
  readonly level: H264Level;
}

export interface LadderSource {
  /** Display dimensions (rotation and sample aspect ratio applied). */
  readonly width: number;
  readonly height: number;
  readonly fps?: number;
}

/**
 * The renditions for a source, smallest first: every rung up to the source's short side, so a
 * portrait phone video stays portrait and nothing is upscaled. A source whose short side falls
 * between two rungs, more than SOURCE_RUNG_MIN_GAIN above the lower one, gets a top rung at its
 * own even size (`sourceRung`). A source smaller than the lowest rung gets one rendition at its
 * own (even) size. Each runs at the source's rate (`outputFps`) but small rungs at 30 fps or
 * less (`rungFps`).
 */
export function planRenditions(source: LadderSource, ladder: readonly Rung[] = VIDEO_LADDER): RenditionPlan[] {
  const fps = outputFps(source.fps);
  const shortSide = Math.min(source.width, source.height);
  const rungs = ladder.filter((rung) => rung.shortSide <= shortSide);
  if (rungs.length === 0) {
    const lowest = ladder[0];
    if (!lowest) throw new RangeError('The video ladder has no rungs');
    const width = evenFloor(source.width);
    const height = evenFloor(source.height);
    return [plan({ ...lowest, name: `${Math.min(width, height)}p` }, width, height, rungFps(Math.min(width, height), fps))];
  }
  const plans = rungs.map((rung) => {
    const scale = rung.shortSide / shortSide;
    const landscape = source.width >= source.height;
    // Rounding to even never goes past the source: 853x480 keeps 852 columns, not 854.
    const width = landscape ? Math.min(evenRound(source.width * scale), evenFloor(source.width)) : rung.shortSide;
    const height = landscape ? rung.shortSide : Math.min(evenRound(source.height * scale), evenFloor(source.height));
    return plan(rung, width, height, rungFps(rung.shortSide, fps));
  });
  const own = sourceRung(shortSide, ladder);
  if (own) plans.push(plan(own, evenFloor(source.width), evenFloor(source.height), rungFps(own.shortSide, fps)));
  return plans;
}

/**
 * The rung at the source's own (even) short side when it lies between two rungs and more than
 * SOURCE_RUNG_MIN_GAIN above the lower one; none above the top rung (a 4K source tops out at
 * 1080p) or close above a rung. Its video cap is interpolated between the two rungs by pixel
 * count (the bitrate a picture needs grows with its pixels), so caps rise with size; audio is the
 * upper rung's, since the picture is nearer that rung's than the lower one's in quality.
 */
export function sourceRung(shortSide: number, ladder: readonly Rung[] = VIDEO_LADDER): Rung | undefined {
  const side = evenFloor(shortSide);
  const upper = ladder.findIndex((rung) => rung.shortSide > side);
  const below = ladder[upper - 1];
  const above = ladder[upper];
  if (!below || !above || side <= below.shortSide * SOURCE_RUNG_MIN_GAIN) return undefined;
  const share = (side ** 2 - below.shortSide ** 2) / (above.shortSide ** 2 - below.shortSide ** 2);
  return {
    name: `${side}p`,
    shortSide: side,
    videoKbps: Math.round(below.videoKbps + share * (above.videoKbps - below.videoKbps)),
    audioKbps: above.audioKbps,
  };
}

function plan(rung: Rung, width: number, height: number, fps: number): RenditionPlan {
  return {
    name: rung.name,
    width,
    height,
    fps,
    videoKbps: rung.videoKbps,
    audioKbps: rung.audioKbps,
    level: h264Level(width, height, fps, rung.videoKbps),
  };
}

/** The source rate, halved until it is at most MAX_OUTPUT_FPS, at least MIN_OUTPUT_FPS; rounded to 3 decimals. */
export function outputFps(sourceFps: number | undefined): number {
  return Math.max(MIN_OUTPUT_FPS, halvedTo(sourceFps !== undefined && sourceFps > 0 ? sourceFps : FALLBACK_FPS, MAX_OUTPUT_FPS));
}

/**
 * A rung's rate: the output rate, halved (every other frame dropped, so motion stays even:
 * 59.94 → 29.97, 50 → 25) until it is at most LOW_RUNG_MAX_FPS on a small rung.
 */
export function rungFps(shortSide: number, fps: number): number {
  return shortSide <= LOW_RUNG_MAX_SHORT_SIDE ? halvedTo(fps, LOW_RUNG_MAX_FPS) : fps;
}

function halvedTo(fps: number, max: number): number {
  let rate = fps;
  while (rate > max) rate /= 2;
  return Math.round(rate * 1000) / 1000;
}

function evenRound(value: number): number {
  return Math.max(2, Math.round(value / 2) * 2);
}

function evenFloor(value: number): number {
  return Math.max(2, Math.floor(value / 2) * 2);
}
