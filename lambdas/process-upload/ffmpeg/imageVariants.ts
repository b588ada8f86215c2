import { FFMPEG_BASE_ARGS } from './ffmpegCommon.js';
import { type SourceInput, sourceInputArgs } from '../probe/sourceInput.js';

/** Widths of the resized variants; a source narrower than one is not upscaled to it. */
export const IMAGE_VARIANT_WIDTHS: readonly number[] = [320, 640, 1280];
/** libwebp quality (0-100). WebP keeps a PNG's transparency and is smaller than JPEG at the same quality. */
export const WEBP_QUALITY = 80;

export interface ImageVariant {
  readonly width: number;
  readonly height: number;
}

/**
 * EXIF orientation (1-8) as ffmpeg filters that turn the stored pixels upright. ffmpeg applies
 * a video's display matrix itself but not an image's EXIF tag, so this is done explicitly,
 * with autorotate off so that a build which does both cannot rotate twice.
 */
const ORIENTATION_FILTERS: Readonly<Record<number, readonly string[]>> = {
  1: [],
  2: ['hflip'],
  3: ['hflip', 'vflip'],
  4: ['vflip'],
  5: ['transpose=0'],
  6: ['transpose=1'],
  7: ['transpose=3'],
  8: ['transpose=2'],
};

export function orientationFilters(orientation: number): readonly string[] {
  return ORIENTATION_FILTERS[orientation] ?? [];
}

/** Orientations 5 to 8 turn the image a quarter: width and height swap. */
export function uprightSize(width: number, height: number, orientation: number): { width: number; height: number } {
  return orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };
}

/**
 * The variants for an upright image, smallest first: each standard width the image reaches,
 * plus one at its own width when it falls between them (so no variant is upscaled, and the
 * largest is as sharp as the original allows).
 */
export function planImageVariants(width: number, height: number, widths: readonly number[] = IMAGE_VARIANT_WIDTHS): ImageVariant[] {
  const fitting = widths.filter((w) => w <= width);
  const largest = Math.max(...widths);
  const chosen = width < largest && !fitting.includes(width) ? [...fitting, width] : fitting;
  return chosen.map((w) => ({ width: w, height: Math.max(1, Math.round((height * w) / width)) }));
}

export function imageVariantName(variant: ImageVariant): string {
  return `w${variant.width}.webp`;
}

/** One run for all variants: decode once (first frame of an animation), orient, split, scale, encode WebP. */
export function imageVariantArgs(options: {
  readonly source: SourceInput;
  readonly outputDir: string;
  readonly videoStreamIndex: number;
  readonly orientation: number;
  readonly variants: readonly ImageVariant[];
}): string[] {
  const { variants } = options;
  if (variants.length === 0) throw new RangeError('imageVariantArgs needs at least one variant');
  const head = [...orientationFilters(options.orientation), `split=${variants.length}`].join(',');
  const graph = [
    `[0:${options.videoStreamIndex}]${head}${variants.map((_, i) => `[s${i}]`).join('')}`,
    ...variants.map((v, i) => `[s${i}]scale=${v.width}:${v.height},setsar=1[o${i}]`),
  ].join(';');
  return [
    ...FFMPEG_BASE_ARGS,
    '-noautorotate',
    ...sourceInputArgs(options.source),
    '-filter_complex', graph,
    ...variants.flatMap((v, i) => [
      '-map', `[o${i}]`,
      '-frames:v', '1',
      '-c:v', 'libwebp',
      '-quality', String(WEBP_QUALITY),
      '-f', 'webp',
      `${options.outputDir}/${imageVariantName(v)}`,
    ]),
  ];
}
