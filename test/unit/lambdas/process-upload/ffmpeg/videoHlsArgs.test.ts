import { describe, expect, it } from 'vitest';
import { videoHlsArgs } from '../../../../../lambdas/process-upload/ffmpeg/videoHlsArgs.js';
import { planRenditions } from '../../../../../lambdas/process-upload/plan/videoLadder.js';

const base = {
  source: { url: 'http://127.0.0.1:40001/9f2c', demuxer: 'mov' },
  outputDir: '/tmp/w/out',
  videoStreamIndex: 0,
  audioStreamIndex: 1,
  sourceFps: 30,
  segmentSeconds: 6,
  keyframeSeconds: 6,
};

describe('videoHlsArgs', () => {
  it('decodes once, splits and scales per rendition, and writes one HLS output each with aligned keyframes', () => {
    const args = videoHlsArgs({ ...base, renditions: planRenditions({ width: 640, height: 360, fps: 30 }) });
    expect(args).toEqual([
      '-max_alloc', '536870912', '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-progress', 'pipe:1', '-nostats',
      '-protocol_whitelist', 'http,tcp', '-format_whitelist', 'mov', '-f', 'mov',
      '-rw_timeout', '30000000', '-reconnect', '1',
      '-i', 'http://127.0.0.1:40001/9f2c',
      '-filter_complex',
      '[0:0]split=2[s0][s1];[s0]scale=426:240,setsar=1,format=yuv420p[v0];[s1]scale=640:360,setsar=1,format=yuv420p[v1]',
      '-map', '[v0]', '-map', '0:1',
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-level:v', '3.0',
      '-crf', '23', '-maxrate', '400k', '-bufsize', '800k',
      '-force_key_frames', 'expr:gte(t,n_forced*6)', '-sc_threshold', '0',
      '-c:a', 'aac', '-b:a', '64k', '-ac', '2',
      '-f', 'hls', '-hls_time', '6', '-hls_playlist_type', 'event', '-hls_flags', 'independent_segments',
      '-hls_segment_filename', '/tmp/w/out/240p/seg_%05d.ts', '/tmp/w/out/240p/index.m3u8',
      '-map', '[v1]', '-map', '0:1',
      '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-level:v', '3.0',
      '-crf', '23', '-maxrate', '800k', '-bufsize', '1600k',
      '-force_key_frames', 'expr:gte(t,n_forced*6)', '-sc_threshold', '0',
      '-c:a', 'aac', '-b:a', '96k', '-ac', '2',
      '-f', 'hls', '-hls_time', '6', '-hls_playlist_type', 'event', '-hls_flags', 'independent_segments',
      '-hls_segment_filename', '/tmp/w/out/360p/seg_%05d.ts', '/tmp/w/out/360p/index.m3u8',
    ]);
    expect(args).not.toContain('-master_pl_name');
    expect(args).not.toContain('-var_stream_map');
  });

  it('maps no audio for a video without sound', () => {
    const args = videoHlsArgs({ ...base, audioStreamIndex: undefined, renditions: planRenditions({ width: 426, height: 240 }) });
    expect(args.filter((arg) => arg.startsWith('0:'))).toEqual([]);
    expect(args).not.toContain('-c:a');
  });

  it('maps the picture stream the probe chose (not a cover image) and converts a faster frame rate down', () => {
    const args = videoHlsArgs({ ...base, videoStreamIndex: 2, sourceFps: 240, renditions: planRenditions({ width: 1280, height: 720, fps: 240 }) });
    expect(args[args.indexOf('-filter_complex') + 1]).toMatch(/^\[0:2\]fps=60\/1,split=4/);
  });

  it('brings a source without a plausible rate (variable-rate WebM, a crafted 2000 fps) to the rendition rate', () => {
    const args = videoHlsArgs({ ...base, sourceFps: undefined, renditions: planRenditions({ width: 426, height: 240 }) });
    expect(args[args.indexOf('-filter_complex') + 1]).toBe('[0:0]fps=30/1,split=1[s0];[s0]scale=426:240,setsar=1,format=yuv420p[v0]');
  });

  it('repeats the frames of a slideshow slower than 1 fps up to 1 fps, so keyframes land on the 2 s marks', () => {
    const args = videoHlsArgs({ ...base, sourceFps: 0.4, renditions: planRenditions({ width: 426, height: 240, fps: 0.4 }) });
    expect(args[args.indexOf('-filter_complex') + 1]).toBe('[0:0]fps=1/1,split=1[s0];[s0]scale=426:240,setsar=1,format=yuv420p[v0]');
  });

  it('drops every other frame in the small rungs of a 59.94 fps source, on its exact NTSC clock', () => {
    const args = videoHlsArgs({ ...base, sourceFps: 59.94, renditions: planRenditions({ width: 1280, height: 720, fps: 59.94 }) });
    expect(args[args.indexOf('-filter_complex') + 1]).toBe(
      [
        '[0:0]split=4[s0][s1][s2][s3]',
        '[s0]fps=30000/1001,scale=426:240,setsar=1,format=yuv420p[v0]',
        '[s1]fps=30000/1001,scale=640:360,setsar=1,format=yuv420p[v1]',
        '[s2]fps=30000/1001,scale=854:480,setsar=1,format=yuv420p[v2]',
        '[s3]scale=1280:720,setsar=1,format=yuv420p[v3]',
      ].join(';'),
    );
  });

  it('limits reading with -t before the input', () => {
    const args = videoHlsArgs({ ...base, readLimitSeconds: 1201, renditions: planRenditions({ width: 426, height: 240 }) });
    expect(args.slice(10, 14)).toEqual(['-t', '1201', '-protocol_whitelist', 'http,tcp']);
    expect(args.indexOf('-t')).toBeLessThan(args.indexOf('-i'));
  });
});
