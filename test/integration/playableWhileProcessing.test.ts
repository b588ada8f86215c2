import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadRecord } from '../../lambdas/shared/uploadRecord.js';
import { ffprobeJson, makeVideo } from './processFixtures.js';
import { ProcessHarness } from './processHarness.js';

/**
 * A video plays while it is still encoded: the record gets `hlsUrl` and `playable` while it is
 * `processing`, the master and growing EVENT playlists serve what is out (a native client,
 * ffprobe, reads the stream from them), and at the end the same playlists have grown to the whole
 * video and ended. A 45 s 720p clip encodes for long enough on any machine to be seen midway.
 */

const MP4 = { contentType: 'video/mp4', kind: 'video' } as const;
const POLL_MS = 100;
const MAX_POLLS = 3000;

let h: ProcessHarness;
let dir: string;
let clip: string;

beforeAll(async () => {
  h = await ProcessHarness.start();
  dir = await mkdtemp(join(tmpdir(), 'playable-while-processing-'));
  clip = await makeVideo(join(dir, 'long.mp4'), { width: 1280, height: 720, seconds: 45, fps: 30 });
});

afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Polls the record until it is playable while processing; undefined if processing ended first. */
async function playableWhileProcessing(uploadId: string): Promise<UploadRecord | undefined> {
  for (let i = 0; i < MAX_POLLS; i++) {
    const record = await h.record(uploadId);
    if (record.status === 'processing' && record.media?.playable) return record;
    if (record.status !== 'processing' && record.status !== 'uploaded') return undefined;
    await sleep(POLL_MS);
  }
  return undefined;
}

async function fetchText(url: string): Promise<{ text: string; cacheControl: string | null }> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return { text: await response.text(), cacheControl: response.headers.get('cache-control') };
}

function uris(playlist: string): string[] {
  return playlist.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe('a video watched while it is processed', () => {
  let uploadId: string;
  let midway: UploadRecord;
  let midwayPlaylist: string;
  let midwaySegment: Buffer;
  let variantUrl: string;
  let delivery: Promise<unknown>;

  beforeAll(async () => {
    uploadId = await h.upload(clip, MP4);
    delivery = h.deliver(uploadId);
    const seen = await playableWhileProcessing(uploadId);
    expect(seen, 'the record became playable while processing').toBeDefined();
    midway = seen as UploadRecord;
    const master = await fetchText(midway.media?.hlsUrl as string);
    variantUrl = new URL(uris(master.text)[0] as string, midway.media?.hlsUrl).href;
    midwayPlaylist = (await fetchText(variantUrl)).text;
    midwaySegment = Buffer.from(await (await fetch(new URL(uris(midwayPlaylist)[0] as string, variantUrl))).arrayBuffer());
  });

  it('has a poster and a master playlist whose every rendition has segments out, before it is ready', async () => {
    expect(midway.media).toMatchObject({ kind: 'video', playable: true, hlsUrl: expect.stringMatching(/\/master\.m3u8$/), posterUrl: expect.any(String) });
    const poster = await fetch(midway.media?.posterUrl as string);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    const master = await fetchText(midway.media?.hlsUrl as string);
    expect(master.cacheControl).toBe('public, max-age=2');
    const variants = uris(master.text);
    expect(variants.length).toBe(4);
    for (const variant of variants) {
      const playlist = await fetchText(new URL(variant, midway.media?.hlsUrl).href);
      expect(playlist.text).toContain('#EXT-X-PLAYLIST-TYPE:EVENT\n');
      expect(uris(playlist.text).length).toBeGreaterThan(0);
    }
  });

  it('serves growing EVENT playlists that start players at the beginning and have not ended', () => {
    expect(midwayPlaylist).toContain('#EXT-X-START:TIME-OFFSET=0\n');
    expect(midwayPlaylist).not.toContain('#EXT-X-ENDLIST');
    expect(midwaySegment.length).toBeGreaterThan(0);
  });

  it('plays in a native client (ffprobe reads the stream through the master playlist)', async () => {
    const probe = await ffprobeJson(midway.media?.hlsUrl as string, '-show_entries', 'stream=codec_type,codec_name,width,height');
    expect(probe.streams).toEqual(expect.arrayContaining([expect.objectContaining({ codec_type: 'video', codec_name: 'h264' })]));
  });

  it('ends ready with the same playlists grown to the whole video and ended, earlier segments unchanged', async () => {
    expect(await delivery).toEqual({ batchItemFailures: [] });
    const ready = await h.record(uploadId);
    expect(ready.status).toBe('ready');
    expect(ready.media).toMatchObject({ playable: true, hlsUrl: midway.media?.hlsUrl });
    const final = await fetchText(variantUrl);
    expect(final.cacheControl).toBe('public, max-age=300');
    expect(final.text).toContain('#EXT-X-PLAYLIST-TYPE:EVENT\n');
    expect(final.text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    // An EVENT playlist only grows: what players held midway is the start of what they get now.
    const midwayLines = midwayPlaylist.trimEnd().split('\n');
    expect(final.text.split('\n').slice(0, midwayLines.length)).toEqual(midwayLines);
    const seconds = final.text
      .split('\n')
      .filter((line) => line.startsWith('#EXTINF:'))
      .reduce((sum, line) => sum + Number.parseFloat(line.slice(8)), 0);
    expect(seconds).toBeCloseTo(45, 0);
    const segment = Buffer.from(await (await fetch(new URL(uris(midwayPlaylist)[0] as string, variantUrl))).arrayBuffer());
    expect(segment.equals(midwaySegment)).toBe(true);
  });
});

describe('a video cancelled while it is watched', () => {
  it('has everything published so far removed', async () => {
    const uploadId = await h.upload(clip, MP4);
    const delivery = h.deliver(uploadId);
    expect(await playableWhileProcessing(uploadId)).toBeDefined();
    expect((await h.outputKeys(uploadId)).length).toBeGreaterThan(4);
    await h.cancel(uploadId);
    expect(await delivery).toEqual({ batchItemFailures: [] });
    expect((await h.record(uploadId)).status).toBe('cancelled');
    expect(await h.outputKeys(uploadId)).toEqual([]);
  });
});

describe('a retried run (the event delivered a second time)', () => {
  it('publishes nothing ahead, so playlists an earlier attempt published never shrink, and ends with the same kind of playlists', async () => {
    const uploadId = await h.upload(clip, MP4);
    const delivery = h.deliver(uploadId, 2);
    let playableMidway = false;
    let done = false;
    void delivery.finally(() => {
      done = true;
    });
    for (let i = 0; i < MAX_POLLS && !done; i++) {
      const record = await h.record(uploadId);
      if (record.status === 'processing' && record.media?.hlsUrl) playableMidway = true;
      await sleep(POLL_MS);
    }
    expect(await delivery).toEqual({ batchItemFailures: [] });
    expect(playableMidway).toBe(false);
    const ready = await h.record(uploadId);
    expect(ready.media).toMatchObject({ playable: true });
    const master = await fetchText(ready.media?.hlsUrl as string);
    const playlist = await fetchText(new URL(uris(master.text)[0] as string, ready.media?.hlsUrl).href);
    expect(playlist.text).toContain('#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-START:TIME-OFFSET=0\n');
    expect(playlist.text).toContain('#EXT-X-TARGETDURATION:7\n');
    expect(playlist.text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
  });
});
