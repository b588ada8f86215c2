import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaInfo, UploadRecord } from '../../lambdas/shared/uploadRecord.js';
import { ffprobeJson, makeVideo } from './processFixtures.js';
import { ProcessHarness } from './processHarness.js';

/**
 * The MediaConvert path end to end in local mode: the process function routes a video longer
 * than the line to MediaConvert (here the emulator: ffmpeg behind MediaConvert's API, reading
 * and writing local S3 itself), the job's events reach the status function, and the upload ends
 * as the ffmpeg path ends it. The line is lowered to 5 s, so a 6 s clip goes to MediaConvert and
 * a 3 s one stays on ffmpeg in the same run.
 */

const MP4 = { contentType: 'video/mp4', kind: 'video' } as const;

let h: ProcessHarness;
let dir: string;
let longClip: string;
let shortClip: string;

beforeAll(async () => {
  h = await ProcessHarness.start({}, { transcoder: 'auto', mediaConvertRouting: { routeLongerThanSeconds: 5 }, silentJobCheckIntervalSeconds: 0 });
  dir = await mkdtemp(join(tmpdir(), 'mediaconvert-processing-'));
  longClip = await makeVideo(join(dir, 'long.mp4'), { width: 640, height: 360, seconds: 6 });
  shortClip = await makeVideo(join(dir, 'short.mp4'), { width: 640, height: 360, seconds: 3 });
});

afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function emulator() {
  const mediaConvert = h.local.mediaConvert;
  if (!mediaConvert) throw new Error('local mode started without its MediaConvert emulator');
  return mediaConvert;
}

/** Submits through the process function and waits until the job and its events are done with. */
async function viaMediaConvert(uploadId: string): Promise<UploadRecord> {
  expect(await h.deliver(uploadId)).toEqual({ batchItemFailures: [] });
  const submitted = await h.record(uploadId);
  expect(submitted).toMatchObject({ status: 'processing', stage: 'transcode', transcoder: 'mediaconvert', runningJob: 'mediaconvert' });
  await emulator().idle();
  return h.record(uploadId);
}

async function text(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.text();
}

describe('a video routed to MediaConvert', () => {
  let ready: UploadRecord;
  let onFfmpeg: UploadRecord;

  beforeAll(async () => {
    ready = await viaMediaConvert(await h.upload(longClip, MP4));
    const short = await h.upload(shortClip, MP4);
    expect(await h.deliver(short)).toEqual({ batchItemFailures: [] });
    onFfmpeg = await h.record(short);
  });

  it('ends ready, naming MediaConvert, with no running job left', () => {
    expect(ready).toMatchObject({ status: 'ready', transcoder: 'mediaconvert' });
    expect(ready.runningJob).toBeUndefined();
    expect(ready.progress).toBeUndefined();
    expect(onFfmpeg).toMatchObject({ status: 'ready', transcoder: 'ffmpeg' });
  });

  it('describes its outputs with the same fields and URL shapes as the ffmpeg path', () => {
    const shape = (record: UploadRecord) => {
      const media: MediaInfo = record.media ?? { kind: 'video' };
      const relative = (url: string | undefined) => url?.replace(/^.*\/media\/[^/]+\//, '');
      return {
        keys: Object.keys(media).sort(),
        hls: relative(media.hlsUrl),
        poster: relative(media.posterUrl),
        sprite: relative(media.thumbnails?.spriteUrl),
        vtt: relative(media.thumbnails?.vttUrl),
        renditions: media.renditions?.map((r) => ({ ...r, bandwidth: typeof r.bandwidth, url: relative(r.url) })),
      };
    };
    expect(shape(ready)).toEqual(shape(onFfmpeg));
    expect(ready.media).toMatchObject({ kind: 'video', width: 640, height: 360, hasAudio: true });
    expect(ready.media?.durationSeconds).toBeCloseTo(6, 0);
  });

  it('plays: ffprobe reads every rendition through its playlist at the right size and length', async () => {
    const master = await text(ready.media?.hlsUrl as string);
    expect(master).toContain('#EXT-X-STREAM-INF:');
    for (const rendition of ready.media?.renditions ?? []) {
      const probe = await ffprobeJson(rendition.url, '-show_entries', 'stream=codec_type,width,height:format=duration');
      const video = probe.streams.find((stream: { codec_type: string }) => stream.codec_type === 'video');
      expect({ width: video.width, height: video.height }).toEqual({ width: rendition.width, height: rendition.height });
      expect(probe.streams.some((stream: { codec_type: string }) => stream.codec_type === 'audio')).toBe(true);
      expect(Number(probe.format.duration)).toBeGreaterThan(5);
      expect(Number(probe.format.duration)).toBeLessThan(7);
    }
  });

  it('indexes thumbnails that exist: every WebVTT cue points inside the sprite', async () => {
    const vtt = await text(ready.media?.thumbnails?.vttUrl as string);
    const cues = [...vtt.matchAll(/sprite\.jpg#xywh=(\d+),(\d+),(\d+),(\d+)/g)].map((m) => m.slice(1).map(Number) as [number, number, number, number]);
    expect(cues.length).toBeGreaterThanOrEqual(3);
    const sprite = await ffprobeJson(ready.media?.thumbnails?.spriteUrl as string, '-show_entries', 'stream=width,height');
    const { width, height } = sprite.streams[0];
    for (const [x, y, w, h] of cues) {
      expect(x + w).toBeLessThanOrEqual(width);
      expect(y + h).toBeLessThanOrEqual(height);
    }
  });

  it('publishes with the ffmpeg path\'s cache headers, and leaves none of MediaConvert\'s own playlists or frames', async () => {
    const keys = await h.outputKeys(ready.uploadId);
    const segment = keys.find((key) => key.endsWith('.ts')) as string;
    expect(await h.outputHeaders(segment)).toMatchObject({ contentType: 'video/mp2t', cacheControl: 'public, max-age=31536000, immutable' });
    expect(await h.outputHeaders(`media/${ready.uploadId}/master.m3u8`)).toMatchObject({ cacheControl: 'public, max-age=300' });
    expect(keys.filter((key) => /\/job-[0-9a-f]{16}\/(master[^/]*\.m3u8|thumbnails\/)/.test(key))).toEqual([]);
  });
});

describe('when a MediaConvert job does not go its way', () => {
  it('a redelivered event follows the job it submitted, and a cancel mid-job stops it and leaves no output', async () => {
    const uploadId = await h.upload(longClip, MP4);
    emulator().holdJobs();
    try {
      expect(await h.deliver(uploadId)).toEqual({ batchItemFailures: [] });
      const submitted = await h.record(uploadId);
      expect(await h.deliver(uploadId, 2)).toEqual({ batchItemFailures: [] });
      expect((await h.record(uploadId)).transcodeJob?.id).toBe(submitted.transcodeJob?.id);

      // What DELETE /uploads/{id} runs for an unfinished upload (the harness's ids are not the API's UUIDs).
      // Imported once local mode has set the functions' environment, as handlers are.
      const { cancelUpload } = await import('../../lambdas/delete-upload/cancelUpload.js');
      const cancelled = await cancelUpload(await h.record(uploadId), 'owner-1');
      expect(cancelled).toMatchObject({ status: 'cancelled' });
    } finally {
      emulator().releaseJobs();
    }
    await emulator().idle();
    expect(await h.record(uploadId)).toMatchObject({ status: 'cancelled' });
    expect(await h.outputKeys(uploadId)).toEqual([]);
  });

  it('a job that ends in ERROR fails the upload with a code, and what was published goes', async () => {
    const uploadId = await h.upload(longClip, MP4);
    emulator().failNextJob({ errorCode: 1030, errorMessage: 'Unsupported codec in s3://media-pipeline-local-uploads/uploads/x/source' });
    // The job may fail before the process function has recorded its id: its events carry the token.
    expect(await h.deliver(uploadId)).toEqual({ batchItemFailures: [] });
    await emulator().idle();
    const failed = await h.record(uploadId);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'UNSUPPORTED_MEDIA' } });
    expect(failed.error?.message).not.toContain('s3://');
    expect(failed.media).toBeUndefined();
    expect(await h.outputKeys(uploadId)).toEqual([]);
  });
});
