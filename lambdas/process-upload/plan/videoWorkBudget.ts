import type { ProcessingLimits } from './processingLimits.js';
import { planRenditions } from './videoLadder.js';

/**
 * Source pixels (width × height × frames) one vCPU turns into the whole HLS ladder, poster and
 * sprite per second of wall time, rounded down from what bench/processing.ts measures here
 * (a 1080p30 source's five-rung ladder at about 0.8 s per second of video on 2 vCPUs, i.e.
 * ~37 million pixels per vCPU-second).
 */
export const PIXELS_PER_VCPU_SECOND = 30_000_000;

/** Lambda gives one vCPU per 1,769 MB of memory, up to six. */
const MB_PER_VCPU = 1_769;
const MAX_VCPUS = 6;
/** The part of a run kept back for recording a failure (processingDeadline's reserve). */
const RESERVE_FRACTION = 0.2;
const MAX_RESERVE_SECONDS = 60;

/** Frames per second assumed for a video that states none. */
const ASSUMED_FPS = 30;

/**
 * The source pixels one run of a function with `memoryMb` and `timeoutSeconds` can encode:
 * what a video's width × height × fps × duration must stay under to finish before the deadline.
 */
export function videoPixelBudget(memoryMb: number, timeoutSeconds: number): number {
  const vcpus = Math.min(MAX_VCPUS, Math.max(1, memoryMb / MB_PER_VCPU));
  const usableSeconds = timeoutSeconds - Math.min(MAX_RESERVE_SECONDS, timeoutSeconds * RESERVE_FRACTION);
  return Math.floor(PIXELS_PER_VCPU_SECOND * vcpus * usableSeconds);
}

/**
 * How much more encoding a source's ladder asks per source pixel than the ladder the budget was
 * measured on (a 1080p source's five rungs, about 1.8 output pixels per source pixel): a source
 * between standard rungs gets a top rung at its own size above full lower rungs (up to about 2.5).
 * Never below 1: decoding a large source costs its pixels whatever the ladder keeps of them.
 */
export function ladderWorkFactor(width: number, height: number): number {
  return Math.max(1, outputPixelsPerSourcePixel(width, height) / MEASURED_LADDER_RATIO);
}

function outputPixelsPerSourcePixel(width: number, height: number): number {
  const output = planRenditions({ width, height }).reduce((sum, rendition) => sum + rendition.width * rendition.height, 0);
  return output / (width * height);
}

const MEASURED_LADDER_RATIO = outputPixelsPerSourcePixel(1920, 1080);

/** The longest video of this picture and rate a run may take on: the duration limit, or less where the pixel budget binds. */
export function maxVideoSeconds(limits: ProcessingLimits, width: number, height: number, fps: number | undefined): number {
  return Math.min(limits.maxDurationSeconds.video, maxVideoSecondsOfWork(limits, width, height, fps));
}

/** The longest video of this picture and rate one run can encode, by the pixel budget alone. */
export function maxVideoSecondsOfWork(limits: ProcessingLimits, width: number, height: number, fps: number | undefined): number {
  const pixelsPerSecond = width * height * (fps ?? ASSUMED_FPS) * ladderWorkFactor(width, height);
  return limits.maxVideoPixels / pixelsPerSecond;
}
