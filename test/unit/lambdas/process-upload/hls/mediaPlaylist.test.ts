import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { measureRendition, parseMediaPlaylist, parseTargetDuration } from '../../../../../lambdas/process-upload/hls/mediaPlaylist.js';

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

  it('states the peak over runs of 3 to 9 s (half to one and a half target durations), the average and the duration', async () => {
    await writeFile(join(dir, 'seg_00000.ts'), Buffer.alloc(300_000));
    await writeFile(join(dir, 'seg_00001.ts'), Buffer.alloc(450_000));
    await writeFile(join(dir, 'seg_00002.ts'), Buffer.alloc(100_000));
    expect(await measureRendition(join(dir, 'index.m3u8'), PLAYLIST)).toEqual({
      durationSeconds: 12.5,
      // Segment 2 and the 0.5 s sliver: 550,000 bytes over 6.5 s. The sliver alone (1.6 Mbit/s) is
      // too short to count, and segment 2 alone is 600,000 bit/s.
      peakBandwidth: 676_923,
      averageBandwidth: 544_000,
      segmentCount: 3,
    });
  });

  it('states the average as the peak when the whole rendition is shorter than half a target duration', async () => {
    await writeFile(join(dir, 'seg_00000.ts'), Buffer.alloc(50_000));
    const playlist = '#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:2.000000,\nseg_00000.ts\n#EXT-X-ENDLIST\n';
    expect(await measureRendition(join(dir, 'index.m3u8'), playlist)).toMatchObject({ peakBandwidth: 200_000, averageBandwidth: 200_000 });
  });
});

describe('parseTargetDuration', () => {
  it('reads #EXT-X-TARGETDURATION, or nothing', () => {
    expect(parseTargetDuration(PLAYLIST)).toBe(6);
    expect(parseTargetDuration('#EXTM3U\n#EXTINF:6,\na.ts\n')).toBeUndefined();
  });
});
