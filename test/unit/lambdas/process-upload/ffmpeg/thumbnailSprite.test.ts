import { describe, expect, it } from 'vitest';
import { spriteArgs, thumbnailFramesArgs } from '../../../../../lambdas/process-upload/ffmpeg/thumbnailSprite.js';
import { planThumbnails, spriteGrid } from '../../../../../lambdas/process-upload/plan/thumbnailPlan.js';

describe('thumbnail commands', () => {
  const plan = { intervalSeconds: 2, width: 160, height: 90 };

  it('extracts one small frame per interval from segments piped in as MPEG-TS, then tiles frames piped in as JPEG', () => {
    expect(thumbnailFramesArgs('/tmp/w/scratch/thumbnails/%05d.jpg', plan)).toEqual([
      '-max_alloc', '536870912', '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-protocol_whitelist', 'pipe', '-f', 'mpegts', '-i', 'pipe:0', '-map', '0:v:0',
      '-vf', 'fps=1/2,scale=160:90,setsar=1', '-q:v', '5', '-f', 'image2', '/tmp/w/scratch/thumbnails/%05d.jpg',
    ]);
    expect(spriteArgs('/tmp/w/out/thumbnails/sprite.jpg', { columns: 10, rows: 3 })).toEqual([
      '-max_alloc', '536870912', '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-framerate', '1', '-protocol_whitelist', 'pipe', '-f', 'jpeg_pipe', '-i', 'pipe:0',
      '-vf', 'tile=10x3', '-frames:v', '1', '-q:v', '5', '-f', 'image2', '-update', '1', '/tmp/w/out/thumbnails/sprite.jpg',
    ]);
  });
});
