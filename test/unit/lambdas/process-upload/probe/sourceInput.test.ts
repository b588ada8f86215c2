import { describe, expect, it } from 'vitest';
import { ACCEPTED_DEMUXERS, acceptedDemuxer, pipedInputArgs, probeSourceArgs, sourceInputArgs } from '../../../../../lambdas/process-upload/probe/sourceInput.js';

const URL = 'http://127.0.0.1:40001/9f2c';

describe('sourceInput', () => {
  it('accepts no demuxer that opens other inputs (manifests, playlists, lists, patterns)', () => {
    const all = Object.values(ACCEPTED_DEMUXERS).flat();
    for (const opener of ['hls', 'dash', 'concat', 'ffconcat', 'image2', 'lavfi', 'subfile', 'data', 'mpjpeg', 'tee', 'sdp', 'rtsp']) {
      expect(all).not.toContain(opener);
    }
  });

  it('probes with only the accepted demuxers, over http and tcp only', () => {
    expect(probeSourceArgs(URL)).toEqual([
      '-protocol_whitelist', 'http,tcp',
      '-format_whitelist', 'mov,matroska,mpegts,mp3,aac,wav,flac,ogg,png_pipe,jpeg_pipe,webp_pipe,gif',
      '-rw_timeout', '30000000', '-reconnect', '1',
      '-i', URL,
    ]);
  });

  it('forces the demuxer the probe found on every later run', () => {
    expect(sourceInputArgs({ url: URL, demuxer: 'matroska' })).toEqual([
      '-protocol_whitelist', 'http,tcp',
      '-format_whitelist', 'matroska',
      '-f', 'matroska',
      '-rw_timeout', '30000000', '-reconnect', '1',
      '-i', URL,
    ]);
  });

  it('names the demuxer of a probed format when the declared kind accepts it', () => {
    expect(acceptedDemuxer('mov,mp4,m4a,3gp,3g2,mj2', 'video')).toBe('mov');
    expect(acceptedDemuxer('matroska,webm', 'audio')).toBe('matroska');
    expect(acceptedDemuxer('mpegts', 'video')).toBe('mpegts');
    expect(acceptedDemuxer('jpeg_pipe', 'image')).toBe('jpeg_pipe');
  });

  it('names none for a format the declared kind does not accept', () => {
    expect(acceptedDemuxer('hls', 'video')).toBeUndefined();
    expect(acceptedDemuxer('image2', 'image')).toBeUndefined();
    expect(acceptedDemuxer('mp3', 'video')).toBeUndefined();
    expect(acceptedDemuxer('png_pipe', 'audio')).toBeUndefined();
    expect(acceptedDemuxer('movx', 'video')).toBeUndefined();
  });

  it('reads files of our own from stdin with one named demuxer and only the pipe protocol', () => {
    expect(pipedInputArgs('mpegts')).toEqual(['-protocol_whitelist', 'pipe', '-f', 'mpegts', '-i', 'pipe:0']);
  });
});
