import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { LiveLadder } from '../../../../../lambdas/process-upload/ffmpeg/LiveLadder.js';

/** ffmpeg's own EVENT playlist after it finished `count` segments of `seconds` each. */
function ffmpegPlaylist(count: number, ended = false, seconds = 6): string {
  const segments = Array.from({ length: count }, (_, i) => [`#EXTINF:${seconds.toFixed(6)},`, `seg_${String(i).padStart(5, '0')}.ts`]).flat();
  return ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:6', '#EXT-X-PLAYLIST-TYPE:EVENT', ...segments, ...(ended ? ['#EXT-X-ENDLIST'] : []), ''].join('\n');
}

describe('LiveLadder', () => {
  let root: string;
  let outputDir: string;
  let published: { path: string; as: string; cacheControl?: string; body: string }[];
  let onPlayable: Mock<() => Promise<void>>;
  let ladder: LiveLadder;

  async function ffmpegWrote(rendition: string, count: number, ended = false): Promise<void> {
    await mkdir(join(outputDir, rendition), { recursive: true });
    for (let i = 0; i < count; i++) await writeFile(join(outputDir, rendition, `seg_${String(i).padStart(5, '0')}.ts`), `${rendition}-${i}`);
    await writeFile(join(outputDir, rendition, 'index.m3u8'), ffmpegPlaylist(count, ended));
  }

  const keys = () => published.map((p) => p.as);
  const last = (as: string) => published.filter((p) => p.as === as).at(-1);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'live-ladder-'));
    outputDir = join(root, 'out');
    await mkdir(outputDir);
    published = [];
    onPlayable = vi.fn(async () => {});
    ladder = new LiveLadder({
      uploadId: 'u1',
      renditions: ['240p', '360p'],
      outputDir,
      scratchDir: join(root, 'scratch'),
      targetDurationSeconds: 7,
      masterPlaylist: () => '#EXTM3U\nmaster\n',
      publish: async (path, as, options) => {
        published.push({ path, as, cacheControl: options?.cacheControl, body: await readFile(path, 'utf8') });
        return `https://cdn.example.com/${as}`;
      },
      onPlayable,
    });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('publishes nothing before ffmpeg lists a segment, and holds back the last one listed', async () => {
    await ladder.poll();
    await ffmpegWrote('240p', 1);
    await ladder.poll();
    expect(published).toEqual([]);
    expect(ladder.publishedAny).toBe(false);
  });

  it('publishes each complete segment as it stands, then a growing EVENT playlist of what is out, cached for seconds', async () => {
    await ffmpegWrote('240p', 3);
    await ladder.poll();
    expect(keys()).toEqual(['240p/seg_00000.ts', '240p/seg_00001.ts', '240p/index.m3u8']);
    expect(published[0]).toMatchObject({ path: join(outputDir, '240p', 'seg_00000.ts'), cacheControl: undefined });
    expect(last('240p/index.m3u8')).toMatchObject({ cacheControl: 'public, max-age=2' });
    const playlist = last('240p/index.m3u8')?.body ?? '';
    expect(playlist).toContain('#EXT-X-PLAYLIST-TYPE:EVENT\n');
    expect(playlist).toContain('#EXT-X-TARGETDURATION:7\n');
    expect(playlist).toContain('#EXT-X-START:TIME-OFFSET=0\n');
    expect(playlist).toContain('seg_00001.ts\n');
    expect(playlist).not.toContain('seg_00002.ts');
    expect(playlist).not.toContain('#EXT-X-ENDLIST');

    await ffmpegWrote('240p', 4);
    await ladder.poll();
    expect(keys().slice(3)).toEqual(['240p/seg_00002.ts', '240p/index.m3u8']);
    expect(onPlayable).not.toHaveBeenCalled();
  });

  it('publishes the last segment listed at once while it ends well before the stated end of the video', async () => {
    const early = new LiveLadder({
      uploadId: 'u1',
      renditions: ['240p'],
      outputDir,
      scratchDir: join(root, 'scratch'),
      targetDurationSeconds: 7,
      masterPlaylist: () => '#EXTM3U\n',
      publish: async (path, as) => void published.push({ path, as, body: '' }),
      onPlayable,
      // A 27 s video: segments ending by 20 s cannot take a final sliver.
      publishAtOnceUntilSeconds: 20,
    });
    await ffmpegWrote('240p', 1);
    await early.poll();
    expect(keys()).toEqual(['240p/seg_00000.ts', '240p/index.m3u8', 'master.m3u8']);
    expect(onPlayable).toHaveBeenCalledTimes(1);
    await ffmpegWrote('240p', 4);
    await early.poll();
    // Segments 1 and 2 end at 12 and 18 s; segment 3 ends at 24 s, near the end: held back.
    expect(keys().slice(3)).toEqual(['240p/seg_00001.ts', '240p/seg_00002.ts', '240p/index.m3u8']);
    expect(early.publishedSegments('240p').map((s) => s.uri)).toEqual(['seg_00000.ts', 'seg_00001.ts', 'seg_00002.ts']);
  });

  it('publishes the master and calls onPlayable once every rendition has a segment out, and only once', async () => {
    await ffmpegWrote('240p', 2);
    await ladder.poll();
    expect(ladder.playable).toBe(false);
    await ffmpegWrote('360p', 2);
    await ladder.poll();
    expect(keys().at(-1)).toBe('master.m3u8');
    expect(last('master.m3u8')).toMatchObject({ body: '#EXTM3U\nmaster\n', cacheControl: 'public, max-age=2' });
    expect(keys().indexOf('360p/index.m3u8')).toBeLessThan(keys().indexOf('master.m3u8'));
    expect(onPlayable).toHaveBeenCalledTimes(1);
    expect(ladder.playable).toBe(true);

    await ffmpegWrote('240p', 3);
    await ffmpegWrote('360p', 3);
    await ladder.poll();
    expect(published.filter((p) => p.as === 'master.m3u8')).toHaveLength(1);
    expect(onPlayable).toHaveBeenCalledTimes(1);
  });

  it('stops at the end ffmpeg writes, leaving the last segments to the final publish', async () => {
    await ffmpegWrote('240p', 2);
    await ladder.poll();
    await ffmpegWrote('240p', 3, true);
    await ladder.poll();
    expect(keys()).toEqual(['240p/seg_00000.ts', '240p/index.m3u8']);
  });

  it('stops publishing ahead when ffmpeg cuts a segment longer than the target duration it declared', async () => {
    await mkdir(join(outputDir, '240p'), { recursive: true });
    for (let i = 0; i < 3; i++) await writeFile(join(outputDir, '240p', `seg_0000${i}.ts`), 'x');
    await writeFile(join(outputDir, '240p', 'index.m3u8'), ffmpegPlaylist(3, false, 7.5));
    await ladder.poll();
    expect(published).toEqual([]);
    await ffmpegWrote('240p', 4);
    await ladder.poll();
    expect(published).toEqual([]);
  });

  it('stops by itself after a failed publish, and stop() waits for it', async () => {
    const publish = vi.fn(async () => {
      throw new Error('S3 is down');
    });
    const failing = new LiveLadder({
      uploadId: 'u1',
      renditions: ['240p'],
      outputDir,
      scratchDir: join(root, 'scratch'),
      targetDurationSeconds: 7,
      masterPlaylist: () => '',
      publish,
      onPlayable,
      intervalMs: 5,
    });
    await ffmpegWrote('240p', 3);
    failing.start();
    await vi.waitFor(() => expect(publish).toHaveBeenCalled(), { timeout: 1000 });
    // Many more intervals: a ladder that kept polling would have tried again.
    await new Promise((resolve) => setTimeout(resolve, 60));
    await failing.stop();
    expect(publish).toHaveBeenCalledTimes(1);
    expect(failing.publishedAny).toBe(false);
    expect(onPlayable).not.toHaveBeenCalled();
  });
});
