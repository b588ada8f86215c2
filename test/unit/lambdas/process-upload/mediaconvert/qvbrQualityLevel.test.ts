import { describe, expect, it } from 'vitest';
import { qvbrQualityLevel } from '../../../../../lambdas/process-upload/mediaconvert/qvbrQualityLevel.js';

describe('qvbrQualityLevel', () => {
  it.each([
    [426, 240, 7],
    [854, 480, 7],
    [480, 854, 7],
    [1138, 640, 8],
    [1280, 720, 8],
    [720, 1280, 8],
    [1440, 810, 9],
    [1920, 1080, 9],
    [1080, 1920, 9],
  ])('targets %ix%i at quality %i, by its short side', (width, height, level) => {
    expect(qvbrQualityLevel(width, height)).toBe(level);
  });
});
