import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldShortFinalSegment, playlistWithFinalSegmentFolded } from '../../../../../lambdas/process-upload/hls/foldShortFinalSegment.js';

const playlist = (...durations: number[]) =>
  [
    '#EXTM3U',
    '#EXT-X-VERSION:3',
    '#EXT-X-TARGETDURATION:10',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    ...durations.flatMap((d, i) => [`#EXTINF:${d.toFixed(6)},`, `seg_${String(i).padStart(5, '0')}.ts`]),
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');

describe('playlistWithFinalSegmentFolded', () => {
  it('merges a final sliver into the segment before it', () => {
    const folded = playlistWithFinalSegmentFolded(playlist(10.005333, 10.005333, 0.021333));
    expect(folded).toEqual({ text: playlist(10.005333, 10.026666), into: 'seg_00001.ts', removed: 'seg_00002.ts' });
  });

  it('raises the target duration when the merged segment rounds above it', () => {
    const folded = playlistWithFinalSegmentFolded(playlist(10, 9.8, 0.9));
    expect(folded?.text).toContain('#EXT-X-TARGETDURATION:11\n');
    expect(folded?.text).toContain('#EXTINF:10.700000,\nseg_00001.ts\n#EXT-X-ENDLIST');
  });

  it('leaves a final segment of a second or more, and a lone short segment, alone', () => {
    expect(playlistWithFinalSegmentFolded(playlist(10, 10, 1))).toBeUndefined();
    expect(playlistWithFinalSegmentFolded(playlist(0.4))).toBeUndefined();
  });
});

describe('foldShortFinalSegment', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fold-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('appends the sliver to the previous segment, rewrites the playlist and removes the sliver', async () => {
    await writeFile(join(dir, 'seg_00000.ts'), 'aaaa');
    await writeFile(join(dir, 'seg_00001.ts'), 'bbbb');
    await writeFile(join(dir, 'seg_00002.ts'), 'cc');
    await writeFile(join(dir, 'index.m3u8'), playlist(10, 10, 0.02));
    expect(await foldShortFinalSegment(join(dir, 'index.m3u8'))).toBe(true);
    expect(await readFile(join(dir, 'seg_00001.ts'), 'utf8')).toBe('bbbbcc');
    expect((await readdir(dir)).sort()).toEqual(['index.m3u8', 'seg_00000.ts', 'seg_00001.ts']);
    expect(await readFile(join(dir, 'index.m3u8'), 'utf8')).toBe(playlist(10, 10.02));
  });

  it('changes nothing when there is no sliver', async () => {
    await writeFile(join(dir, 'seg_00000.ts'), 'aaaa');
    await writeFile(join(dir, 'index.m3u8'), playlist(4));
    expect(await foldShortFinalSegment(join(dir, 'index.m3u8'))).toBe(false);
    expect(await readFile(join(dir, 'index.m3u8'), 'utf8')).toBe(playlist(4));
  });
});
