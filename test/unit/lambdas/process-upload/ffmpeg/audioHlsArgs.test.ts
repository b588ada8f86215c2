import { describe, expect, it } from 'vitest';
import { audioHlsArgs } from '../../../../../lambdas/process-upload/ffmpeg/audioHlsArgs.js';

describe('audioHlsArgs', () => {
  it('writes AAC 128 and 64 kbit/s HLS in 10 s segments and mono 8 kHz PCM for the waveform on fd 3, from one decode', () => {
    expect(audioHlsArgs({ source: { url: 'http://127.0.0.1:40001/9f2c', demuxer: 'mp3' }, outputDir: '/tmp/w/out', audioStreamIndex: 0 })).toEqual([
      '-max_alloc', '536870912', '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-progress', 'pipe:1', '-nostats',
      '-protocol_whitelist', 'http,tcp', '-format_whitelist', 'mp3', '-f', 'mp3',
      '-rw_timeout', '30000000', '-reconnect', '1',
      '-i', 'http://127.0.0.1:40001/9f2c',
      '-map', '0:0', '-c:a', 'aac', '-b:a', '128k', '-ac', '2',
      '-f', 'hls', '-hls_time', '10', '-hls_playlist_type', 'vod',
      '-hls_segment_filename', '/tmp/w/out/audio-128k/seg_%05d.ts', '/tmp/w/out/audio-128k/index.m3u8',
      '-map', '0:0', '-c:a', 'aac', '-b:a', '64k', '-ac', '2',
      '-f', 'hls', '-hls_time', '10', '-hls_playlist_type', 'vod',
      '-hls_segment_filename', '/tmp/w/out/audio-64k/seg_%05d.ts', '/tmp/w/out/audio-64k/index.m3u8',
      '-map', '0:0', '-ac', '1', '-ar', '8000', '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:3',
    ]);
  });
});
