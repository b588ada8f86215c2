import { describe, expect, it } from 'vitest';
import { DEFAULT_PROCESSING_LIMITS } from '../../../../../lambdas/process-upload/plan/processingLimits.js';
import { ladderWorkFactor, maxVideoSeconds, PIXELS_PER_VCPU_SECOND, videoPixelBudget } from '../../../../../lambdas/process-upload/plan/videoWorkBudget.js';

describe('videoPixelBudget', () => {
  it('scales with the vCPUs memory buys (up to six) and the run time left before the deadline’s reserve', () => {
    expect(videoPixelBudget(1769, 300)).toBe(PIXELS_PER_VCPU_SECOND * 240);
    expect(videoPixelBudget(3538, 300)).toBe(PIXELS_PER_VCPU_SECOND * 2 * 240);
    expect(videoPixelBudget(20_000, 900)).toBe(PIXELS_PER_VCPU_SECOND * 6 * 840);
    expect(videoPixelBudget(512, 60)).toBe(PIXELS_PER_VCPU_SECOND * 48);
  });

  it('lets the default function take 20 minutes of 1080p30, but not of 1080p60 or 4K', () => {
    const limits = DEFAULT_PROCESSING_LIMITS;
    expect(maxVideoSeconds(limits, 1920, 1080, 30)).toBe(1200);
    expect(maxVideoSeconds(limits, 1920, 1080, 60)).toBeLessThan(1200);
    expect(maxVideoSeconds(limits, 3840, 2160, 30)).toBeLessThan(600);
  });

  it('counts the extra work of a top rung at the source size: a 960x534 source encodes more per pixel than a 1080p one', () => {
    const limits = { ...DEFAULT_PROCESSING_LIMITS, maxDurationSeconds: { ...DEFAULT_PROCESSING_LIMITS.maxDurationSeconds, video: 1e9 } };
    expect(ladderWorkFactor(1920, 1080)).toBe(1);
    expect(ladderWorkFactor(1280, 720)).toBeCloseTo(1, 1);
    expect(ladderWorkFactor(3840, 2160)).toBe(1);
    expect(ladderWorkFactor(960, 534)).toBeGreaterThan(1.3);
    const perPixel = (width: number, height: number) => maxVideoSeconds(limits, width, height, 30) * width * height;
    expect(perPixel(960, 534)).toBeLessThan(perPixel(1920, 1080) / 1.3);
  });

  it('assumes 30 fps for a video that states no rate', () => {
    const limits = { ...DEFAULT_PROCESSING_LIMITS, maxVideoPixels: 100 * 100 * 30 * 10 };
    expect(maxVideoSeconds(limits, 100, 100, undefined)).toBe(10);
  });
});
