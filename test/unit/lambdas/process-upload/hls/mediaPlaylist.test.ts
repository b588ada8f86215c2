import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureRendition, parseMediaPlaylist } from '../../../../../lambdas/process-upload/hls/mediaPlaylist.js';

const PLAYLIST = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:6
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:6.000000,
seg_00000.ts
#EXTINF:6.000000,
seg_00001.ts
#EXTINF:0.500000,
seg_00002.ts
#EXT-X-ENDLIST
`;

describe('parseMediaPlaylist', () => {
  it('reads each segment’s duration and URI in order', () => {
    expect(parseMediaPlaylist(PLAYLIST)).toEqual([
      { uri: 'seg_00000.ts', durationSeconds: 6 },
      { uri: 'seg_00001.ts', durationSeconds: 6 },
      { uri: 'seg_00002.ts', durationSeconds: 0.5 },
    ]);
  });
});

describe('measureRendition', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rendition-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('measures the peak segment bitrate (a short last segment counted over a second), the average and the duration', async () => {
    await writeFile(join(dir, 'seg_00000.ts'), Buffer.alloc(300_000));
    await writeFile(join(dir, 'seg_00001.ts'), Buffer.alloc(450_000));
    await writeFile(join(dir, 'seg_00002.ts'), Buffer.alloc(100_000));
    expect(await measureRendition(join(dir, 'index.m3u8'), PLAYLIST)).toEqual({
      durationSeconds: 12.5,
      peakBandwidth: 800_000,
      averageBandwidth: 544_000,
      segmentCount: 3,
    });
  });
});
