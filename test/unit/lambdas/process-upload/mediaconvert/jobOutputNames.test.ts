import { describe, expect, it } from 'vitest';
import { rungNameModifier, thumbnailFrame, variantPlaylist } from '../../../../../lambdas/process-upload/mediaconvert/jobOutputNames.js';

describe('jobOutputNames', () => {
  it('names a rung\'s variant playlist after the HLS base and its NameModifier', () => {
    expect(rungNameModifier('720p')).toBe('_720p');
    expect(variantPlaylist('720p')).toBe('master_720p.m3u8');
  });

  it('numbers captured frames from 0 with 7 digits', () => {
    expect(thumbnailFrame(0)).toBe('thumbnails/frame.0000000.jpg');
    expect(thumbnailFrame(99)).toBe('thumbnails/frame.0000099.jpg');
  });
});
