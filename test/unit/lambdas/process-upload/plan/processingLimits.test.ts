import { afterEach, describe, expect, it } from 'vitest';
import { processingLimits } from '../../../../../lambdas/shared/config.js';
import { DEFAULT_PROCESSING_LIMITS, resolveProcessingLimits } from '../../../../../lambdas/process-upload/plan/processingLimits.js';

describe('resolveProcessingLimits', () => {
  it('merges overrides over the defaults, field by field', () => {
    expect(resolveProcessingLimits({ maxDurationSeconds: { video: 300 }, maxHeight: 4320, maxVideoPixels: 1e11 })).toEqual({
      maxDurationSeconds: { audio: 10_800, video: 300 },
      maxWidth: 8192,
      maxHeight: 4320,
      maxVideoPixels: 1e11,
    });
    expect(resolveProcessingLimits({})).toEqual(DEFAULT_PROCESSING_LIMITS);
  });

  it('names the bad field', () => {
    expect(() => resolveProcessingLimits({ maxDurationSeconds: { video: -1 } }, 'PROCESSING_LIMITS')).toThrow(
      /^PROCESSING_LIMITS: maxDurationSeconds\.video is invalid/,
    );
    expect(() => resolveProcessingLimits({ maxWidht: 10 })).toThrow('processing limits: the top level has an unknown field (maxWidht)');
    expect(() => resolveProcessingLimits({ maxWidth: 1.5 })).toThrow(/maxWidth is invalid/);
  });
});

describe('processingLimits (config)', () => {
  afterEach(() => {
    delete process.env.PROCESSING_LIMITS;
  });

  it('reads PROCESSING_LIMITS as JSON, or the defaults when unset', () => {
    expect(processingLimits()).toEqual(DEFAULT_PROCESSING_LIMITS);
    process.env.PROCESSING_LIMITS = '{"maxWidth":1920}';
    expect(processingLimits().maxWidth).toBe(1920);
    process.env.PROCESSING_LIMITS = '{maxWidth';
    expect(() => processingLimits()).toThrow('PROCESSING_LIMITS is not valid JSON: {maxWidth');
  });
});
