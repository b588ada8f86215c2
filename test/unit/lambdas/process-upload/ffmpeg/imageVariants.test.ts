import { describe, expect, it } from 'vitest';
import { imageVariantArgs, orientationFilters, planImageVariants, uprightSize } from '../../../../../lambdas/process-upload/ffmpeg/imageVariants.js';

describe('planImageVariants', () => {
  it('makes the standard widths an image reaches, plus its own width between them, never upscaling', () => {
    expect(planImageVariants(4000, 3000)).toEqual([
      { width: 320, height: 240 },
      { width: 640, height: 480 },
      { width: 1280, height: 960 },
    ]);
    expect(planImageVariants(800, 600).map((v) => v.width)).toEqual([320, 640, 800]);
    expect(planImageVariants(1280, 720).map((v) => v.width)).toEqual([320, 640, 1280]);
    expect(planImageVariants(200, 100)).toEqual([{ width: 200, height: 100 }]);
  });
});

describe('EXIF orientation', () => {
  it('maps all eight orientations to the filters that turn the pixels upright', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((o) => orientationFilters(o).join(','))).toEqual([
      '',
      'hflip',
      'hflip,vflip',
      'vflip',
      'transpose=0',
      'transpose=1',
      'transpose=3',
      'transpose=2',
    ]);
    expect(orientationFilters(0)).toEqual([]);
  });

  it('swaps width and height for the quarter-turn orientations 5 to 8', () => {
    expect(uprightSize(800, 600, 6)).toEqual({ width: 600, height: 800 });
    expect(uprightSize(800, 600, 3)).toEqual({ width: 800, height: 600 });
  });
});

describe('imageVariantArgs', () => {
  it('turns autorotate off, applies the orientation, and writes one WebP per variant from one decode', () => {
    expect(
      imageVariantArgs({
        source: { url: 'http://127.0.0.1:40001/9f2c', demuxer: 'jpeg_pipe' },
        outputDir: '/tmp/w/out',
        videoStreamIndex: 0,
        orientation: 6,
        variants: [
          { width: 320, height: 427 },
          { width: 600, height: 800 },
        ],
      }),
    ).toEqual([
      '-max_alloc', '536870912', '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-noautorotate',
      '-protocol_whitelist', 'http,tcp', '-format_whitelist', 'jpeg_pipe', '-f', 'jpeg_pipe',
      '-rw_timeout', '30000000', '-reconnect', '1', '-i', 'http://127.0.0.1:40001/9f2c',
      '-filter_complex', '[0:0]transpose=1,split=2[s0][s1];[s0]scale=320:427,setsar=1[o0];[s1]scale=600:800,setsar=1[o1]',
      '-map', '[o0]', '-frames:v', '1', '-c:v', 'libwebp', '-quality', '80', '-f', 'webp', '/tmp/w/out/w320.webp',
      '-map', '[o1]', '-frames:v', '1', '-c:v', 'libwebp', '-quality', '80', '-f', 'webp', '/tmp/w/out/w600.webp',
    ]);
  });
});
