import { describe, expect, it } from 'vitest';
import { AAC_LC_CODEC, avc1Codec, h264Level } from '../../../../../lambdas/process-upload/plan/h264Codec.js';

describe('h264Level', () => {
  it.each([
    [640, 360, 30, 800, '3.0'],
    [1280, 720, 30, 2800, '3.1'],
    [1280, 720, 60, 2800, '3.2'],
    [1920, 1080, 30, 5000, '4.0'],
    [1920, 1080, 60, 5000, '4.2'],
    [1920, 1080, 30, 30_000, '4.1'],
  ])('picks the smallest level for %ix%i at %i fps and %i kbit/s: %s', (width, height, fps, kbps, level) => {
    expect(h264Level(width, height, fps, kbps).name).toBe(level);
  });

  it('keeps each side within the level (at most the square root of 8 x MaxFS macroblocks), not only the frame area', () => {
    // 512x15 macroblocks fit 4.0's 8,192 per frame, but 512 exceeds its 256 per side (and 5.0's 420).
    expect(h264Level(8192, 240, 30, 400).name).toBe('5.1');
    expect(h264Level(240, 8192, 30, 400).name).toBe('5.1');
  });

  it('refuses what no level holds', () => {
    expect(() => h264Level(8192, 8192, 60, 5000)).toThrow('No H.264 level fits 8192x8192 at 60 fps and 5000 kbit/s');
  });
});

describe('avc1Codec', () => {
  it('writes High profile without constraint flags and the level in hex, as x264 signals it', () => {
    expect(avc1Codec({ name: '3.0', idc: 30 })).toBe('avc1.64001e');
    expect(avc1Codec({ name: '3.1', idc: 31 })).toBe('avc1.64001f');
    expect(avc1Codec({ name: '4.0', idc: 40 })).toBe('avc1.640028');
    expect(AAC_LC_CODEC).toBe('mp4a.40.2');
  });
});
