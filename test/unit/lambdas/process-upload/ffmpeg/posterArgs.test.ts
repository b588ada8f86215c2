import { describe, expect, it } from 'vitest';
import { posterArgs } from '../../../../../lambdas/process-upload/ffmpeg/posterArgs.js';

describe('posterArgs', () => {
  it('seeks before opening the input, so only the frames near the poster time are read', () => {
    const args = posterArgs({ source: { url: 'http://127.0.0.1:40001/9f2c', demuxer: 'mov' }, output: '/tmp/w/out/poster.jpg', videoStreamIndex: 0, atSeconds: 3.25, width: 1280, height: 720 });
    expect(args).toEqual([
      '-max_alloc', '536870912', '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-ss', '3.25',
      '-protocol_whitelist', 'http,tcp', '-format_whitelist', 'mov', '-f', 'mov',
      '-rw_timeout', '30000000', '-reconnect', '1',
      '-i', 'http://127.0.0.1:40001/9f2c',
      '-map', '0:0', '-frames:v', '1', '-vf', 'scale=1280:720,setsar=1', '-q:v', '3',
      '-f', 'image2', '-update', '1', '/tmp/w/out/poster.jpg',
    ]);
    expect(args.indexOf('-ss')).toBeLessThan(args.indexOf('-i'));
  });

  it('decodes up to the poster time of an MPEG-TS original, which has no index to seek by', () => {
    const args = posterArgs({ source: { url: 'http://127.0.0.1:40001/9f2c', demuxer: 'mpegts' }, output: '/tmp/w/out/poster.jpg', videoStreamIndex: 0, atSeconds: 2, width: 640, height: 360 });
    expect(args.indexOf('-ss')).toBeGreaterThan(args.indexOf('-i'));
    expect(args.slice(args.indexOf('-f'), args.indexOf('-f') + 2)).toEqual(['-f', 'mpegts']);
  });
});
