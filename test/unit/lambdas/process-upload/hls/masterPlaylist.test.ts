import { describe, expect, it } from 'vitest';
import { masterPlaylist } from '../../../../../lambdas/process-upload/hls/masterPlaylist.js';

describe('masterPlaylist', () => {
  it('lists each variant with bandwidth, average bandwidth, resolution, frame rate and codecs', () => {
    expect(
      masterPlaylist([
        { uri: '240p/index.m3u8', bandwidth: 412_345.6, averageBandwidth: 350_000, codecs: ['avc1.64001e', 'mp4a.40.2'], width: 426, height: 240, frameRate: 29.97 },
        { uri: '720p/index.m3u8', bandwidth: 3_100_000, averageBandwidth: 2_700_000, codecs: ['avc1.64001f', 'mp4a.40.2'], width: 1280, height: 720, frameRate: 30 },
      ]),
    ).toBe(
      '#EXTM3U\n' +
        '#EXT-X-VERSION:3\n' +
        '#EXT-X-INDEPENDENT-SEGMENTS\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=412346,AVERAGE-BANDWIDTH=350000,RESOLUTION=426x240,FRAME-RATE=29.970,CODECS="avc1.64001e,mp4a.40.2"\n' +
        '240p/index.m3u8\n' +
        '#EXT-X-STREAM-INF:BANDWIDTH=3100000,AVERAGE-BANDWIDTH=2700000,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2"\n' +
        '720p/index.m3u8\n',
    );
  });

  it('leaves out resolution and frame rate for an audio-only variant, and mp4a for a silent video', () => {
    expect(masterPlaylist([{ uri: 'audio/index.m3u8', bandwidth: 140_000, averageBandwidth: 131_000, codecs: ['mp4a.40.2'] }])).toBe(
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-STREAM-INF:BANDWIDTH=140000,AVERAGE-BANDWIDTH=131000,CODECS="mp4a.40.2"\naudio/index.m3u8\n',
    );
  });

  it('refuses an empty ladder', () => {
    expect(() => masterPlaylist([])).toThrow('A master playlist needs at least one variant');
  });
});
