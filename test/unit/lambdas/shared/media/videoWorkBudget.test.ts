import { describe, expect, it } from 'vitest';
import { DEFAULT_PROCESSING_LIMITS } from '../../../../../lambdas/shared/media/processingLimits.js';
import { maxVideoSeconds, PIXELS_PER_VCPU_SECOND, videoPixelBudget } from '../../../../../lambdas/shared/media/videoWorkBudget.js';

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

  it('assumes 30 fps for a video that states no rate', () => {
    const limits = { ...DEFAULT_PROCESSING_LIMITS, maxVideoPixels: 100 * 100 * 30 * 10 };
    expect(maxVideoSeconds(limits, 100, 100, undefined)).toBe(10);
  });
});
