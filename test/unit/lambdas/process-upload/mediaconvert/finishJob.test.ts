import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../../../../lambdas/process-upload/ffmpeg/runFfmpeg.js', () => ({ runFfmpeg: vi.fn() }));

import { spriteArgs } from '../../../../../lambdas/process-upload/ffmpeg/thumbnailSprite.js';
import { runFfmpeg } from '../../../../../lambdas/process-upload/ffmpeg/runFfmpeg.js';
import { finishJob, type FinishJobOptions } from '../../../../../lambdas/process-upload/mediaconvert/finishJob.js';
import { ProcessingError } from '../../../../../lambdas/shared/errors.js';
import type { TranscodeJob } from '../../../../../lambdas/shared/uploadRecord.js';
import { JOB_TOKEN, talkMedia, transcodeJob } from '../../../support/transcodeJob.js';

const s3 = mockClient(S3Client);
const FOLDER = `media/u1/job-${JOB_TOKEN}/`;
const SPRITE_BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x53, 0x50]);

/** A variant playlist as MediaConvert writes one: VOD, floating-point durations, segments beside it. */
function variantPlaylist(rung: string, durations: readonly number[], names = durations.map((_d, i) => `master_${rung}_${String(i + 1).padStart(5, '0')}.ts`)): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:7', '#EXT-X-MEDIA-SEQUENCE:1', '#EXT-X-PLAYLIST-TYPE:VOD'];
  durations.forEach((duration, i) => lines.push(`#EXTINF:${duration.toFixed(5)},`, names[i] as string));
  lines.push('#EXT-X-ENDLIST');
  return `${lines.join('\n')}\n`;
}

/** What the job of the 13 s talk wrote: its master, two variant playlists with three segments each, seven frames. */
function jobOutputs(): Map<string, string | Buffer> {
  const files = new Map<string, string | Buffer>();
  files.set(`${FOLDER}master.m3u8`, '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=464000\nmaster_240p.m3u8\n');
  files.set(`${FOLDER}master_240p.m3u8`, variantPlaylist('240p', [6.006, 6.006, 0.988]));
  files.set(`${FOLDER}master_360p.m3u8`, variantPlaylist('360p', [6.006, 6.006, 0.988]));
  const sizes = { '240p': [300_000, 280_000, 40_000], '360p': [600_000, 560_000, 90_000] };
  for (const [rung, bytes] of Object.entries(sizes)) {
    bytes.forEach((size, i) => files.set(`${FOLDER}master_${rung}_${String(i + 1).padStart(5, '0')}.ts`, Buffer.alloc(size)));
  }
  for (let i = 0; i < 7; i += 1) files.set(`${FOLDER}thumbnails/frame.${String(i).padStart(7, '0')}.jpg`, Buffer.from(`frame ${i}`));
  return files;
}

/** S3 holding `files`: listed two pages deep in an order of S3's choosing, readable through GetObject. */
function bucketHolds(files: Map<string, string | Buffer>, listed: readonly string[] = [...files.keys()].reverse()): void {
  const contents = listed.map((Key) => ({ Key, Size: Buffer.byteLength(files.get(Key) ?? '') }));
  const half = Math.ceil(contents.length / 2);
  s3.on(ListObjectsV2Command, { ContinuationToken: undefined }, false).resolves({ Contents: contents.slice(0, half), IsTruncated: true, NextContinuationToken: 'page-2' });
  s3.on(ListObjectsV2Command, { ContinuationToken: 'page-2' }, false).resolves({ Contents: contents.slice(half), IsTruncated: false });
  s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
    const body = files.get(input.Key);
    if (body === undefined) throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
    const bytes = Buffer.from(body);
    // The SDK's stream mixin, as much of it as the code reads.
    return { Body: { transformToString: async () => bytes.toString('utf8'), transformToByteArray: async () => new Uint8Array(bytes) } };
  });
}

/** The objects put, by key. */
function puts(): Map<string, { body: string | Uint8Array; contentType?: string; cacheControl?: string }> {
  return new Map(
    s3.commandCalls(PutObjectCommand).map(({ args }) => {
      const input = args[0].input;
      return [input.Key as string, { body: input.Body as string | Uint8Array, contentType: input.ContentType, cacheControl: input.CacheControl }];
    }),
  );
}

function putText(key: string): string {
  const put = puts().get(key);
  if (put === undefined) throw new Error(`${key} was not put`);
  return typeof put.body === 'string' ? put.body : Buffer.from(put.body).toString('utf8');
}

describe('finishJob', () => {
  let workDir: string;
  let options: FinishJobOptions;
  let spriteInputs: string[];

  beforeEach(async () => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    s3.on(CopyObjectCommand).resolves({});
    workDir = await mkdtemp(join(tmpdir(), 'finishJob-test-'));
    options = {
      s3: new S3Client({}),
      bucket: 'media-bucket',
      outputUrl: (path) => `https://cdn.example.com/media/u1/${path}`,
      ffmpeg: '/opt/bin/ffmpeg',
      workDir,
      timeoutMs: 120_000,
    };
    spriteInputs = [];
    vi.mocked(runFfmpeg).mockReset();
    vi.mocked(runFfmpeg).mockImplementation(async (args, run) => {
      for (const frame of run.stdinFiles ?? []) spriteInputs.push(await readFile(frame, 'utf8'));
      await writeFile(args.at(-1) as string, SPRITE_BYTES);
    });
  });

  afterEach(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it("lists the job's folder and reads each rung's variant playlist by the name MediaConvert gives it", async () => {
    bucketHolds(jobOutputs());
    await finishJob('u1', transcodeJob(), options);
    expect(s3).toHaveReceivedNthCommandWith(ListObjectsV2Command, 1, { Bucket: 'media-bucket', Prefix: FOLDER });
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 2);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'media-bucket', Key: `${FOLDER}master_240p.m3u8` });
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'media-bucket', Key: `${FOLDER}master_360p.m3u8` });
  });

  it("writes each rung's <rung>/index.m3u8: MediaConvert's playlist with every segment rebased onto ../job-<token>/, as a playlist", async () => {
    bucketHolds(jobOutputs());
    await finishJob('u1', transcodeJob(), options);
    expect(putText('media/u1/240p/index.m3u8')).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:7',
        '#EXT-X-MEDIA-SEQUENCE:1',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXTINF:6.00600,',
        `../job-${JOB_TOKEN}/master_240p_00001.ts`,
        '#EXTINF:6.00600,',
        `../job-${JOB_TOKEN}/master_240p_00002.ts`,
        '#EXTINF:0.98800,',
        `../job-${JOB_TOKEN}/master_240p_00003.ts`,
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
    expect(putText('media/u1/360p/index.m3u8')).toContain(`\n../job-${JOB_TOKEN}/master_360p_00003.ts\n`);
    expect(puts().get('media/u1/240p/index.m3u8')).toMatchObject({ contentType: 'application/vnd.apple.mpegurl', cacheControl: 'public, max-age=300' });
  });

  it('writes our master.m3u8 with bandwidths measured from the segments as written, resolutions, frame rates and codecs', async () => {
    bucketHolds(jobOutputs());
    await finishJob('u1', transcodeJob(), options);
    // 240p: peak 300,000 B over 6.006 s = 399,600 b/s; average 620,000 B over 13 s = 381,538 b/s.
    // 360p: peak 600,000 B over 6.006 s = 799,201 b/s; average 1,250,000 B over 13 s = 769,231 b/s.
    expect(putText('media/u1/master.m3u8')).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        // The starting variant first (plan/variantOrder.ts): 360p's 800 kbit/s cap is under 2 Mbit/s.
        '#EXT-X-STREAM-INF:BANDWIDTH=799201,AVERAGE-BANDWIDTH=769231,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS="avc1.64001e,mp4a.40.2"',
        '360p/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=399600,AVERAGE-BANDWIDTH=381538,RESOLUTION=426x240,FRAME-RATE=30.000,CODECS="avc1.64001e,mp4a.40.2"',
        '240p/index.m3u8',
        '',
      ].join('\n'),
    );
    expect(puts().get('media/u1/master.m3u8')).toMatchObject({ contentType: 'application/vnd.apple.mpegurl', cacheControl: 'public, max-age=300' });
  });

  it('lists only the video codec for a silent video', async () => {
    bucketHolds(jobOutputs());
    const silent = talkMedia({ hasAudio: false, audioStreamIndex: undefined, audioCodec: undefined });
    await finishJob('u1', transcodeJob({}, silent), options);
    expect(putText('media/u1/master.m3u8')).toContain('CODECS="avc1.64001e"\n');
  });

  it('tiles the frames in their order into the sprite with ffmpeg and puts it as a long-cached JPEG', async () => {
    bucketHolds(jobOutputs());
    await finishJob('u1', transcodeJob(), options);
    expect(runFfmpeg).toHaveBeenCalledTimes(1);
    expect(runFfmpeg).toHaveBeenCalledWith(spriteArgs(join(workDir, 'sprite.jpg'), { columns: 7, rows: 1 }), expect.objectContaining({ ffmpeg: '/opt/bin/ffmpeg', timeoutMs: 120_000 }));
    expect(spriteInputs).toEqual(['frame 0', 'frame 1', 'frame 2', 'frame 3', 'frame 4', 'frame 5', 'frame 6']);
    const sprite = puts().get('media/u1/thumbnails/sprite.jpg');
    expect(Buffer.from(sprite?.body as Uint8Array)).toEqual(SPRITE_BYTES);
    expect(sprite).toMatchObject({ contentType: 'image/jpeg', cacheControl: 'public, max-age=31536000, immutable' });
  });

  it('writes the WebVTT index with one cue per frame found, each pointing at its cell of the sprite, the last to the end', async () => {
    const files = jobOutputs();
    // MediaConvert stopped one capture short of the planned seven.
    files.delete(`${FOLDER}thumbnails/frame.0000006.jpg`);
    bucketHolds(files);

    await finishJob('u1', transcodeJob(), options);

    const vtt = putText('media/u1/thumbnails/thumbnails.vtt');
    const cues = vtt.split('\n\n').slice(1);
    expect(cues).toHaveLength(6);
    expect(cues[0]).toBe('00:00:00.000 --> 00:00:02.000\nsprite.jpg#xywh=0,0,160,90');
    expect(cues[5]).toBe('00:00:10.000 --> 00:00:13.000\nsprite.jpg#xywh=800,0,160,90\n');
    expect(runFfmpeg).toHaveBeenCalledWith(spriteArgs(join(workDir, 'sprite.jpg'), { columns: 6, rows: 1 }), expect.anything());
    expect(puts().get('media/u1/thumbnails/thumbnails.vtt')).toMatchObject({ contentType: 'text/vtt; charset=utf-8', cacheControl: 'public, max-age=31536000, immutable' });
  });

  it('copies every segment onto itself with the cache headers the ffmpeg path publishes with, and nothing else', async () => {
    bucketHolds(jobOutputs());
    await finishJob('u1', transcodeJob(), options);
    const copies = s3.commandCalls(CopyObjectCommand).map(({ args }) => args[0].input);
    expect(copies.map((copy) => copy.Key).sort()).toEqual(
      ['240p', '360p'].flatMap((rung) => [1, 2, 3].map((n) => `${FOLDER}master_${rung}_0000${n}.ts`)),
    );
    for (const copy of copies) {
      expect(copy).toEqual({
        Bucket: 'media-bucket',
        Key: copy.Key,
        CopySource: `media-bucket/${copy.Key}`,
        MetadataDirective: 'REPLACE',
        ContentType: 'video/mp2t',
        CacheControl: 'public, max-age=31536000, immutable',
      });
    }
  });

  it("returns the same media as the ffmpeg path, and MediaConvert's own playlists and frames as leftovers", async () => {
    bucketHolds(jobOutputs());
    const finished = await finishJob('u1', transcodeJob(), options);
    expect(finished.media).toEqual({
      kind: 'video',
      durationSeconds: 13,
      width: 640,
      height: 360,
      fps: 30,
      videoCodec: 'h264',
      audioCodec: 'aac',
      bitrate: 1_200_000,
      hasAudio: true,
      hlsUrl: 'https://cdn.example.com/media/u1/master.m3u8',
      playable: true,
      renditions: [
        { width: 426, height: 240, bandwidth: 399600, codecs: 'avc1.64001e,mp4a.40.2', url: 'https://cdn.example.com/media/u1/240p/index.m3u8' },
        { width: 640, height: 360, bandwidth: 799201, codecs: 'avc1.64001e,mp4a.40.2', url: 'https://cdn.example.com/media/u1/360p/index.m3u8' },
      ],
      posterUrl: 'https://cdn.example.com/media/u1/poster.jpg',
      thumbnails: { spriteUrl: 'https://cdn.example.com/media/u1/thumbnails/sprite.jpg', vttUrl: 'https://cdn.example.com/media/u1/thumbnails/thumbnails.vtt' },
    });
    expect(finished.leftovers).toEqual([
      `${FOLDER}master.m3u8`,
      `${FOLDER}master_240p.m3u8`,
      `${FOLDER}master_360p.m3u8`,
      ...[0, 1, 2, 3, 4, 5, 6].map((i) => `${FOLDER}thumbnails/frame.000000${i}.jpg`),
    ]);
  });

  describe('fails as TRANSCODE_FAILED, publishing no master', () => {
    async function failure(job: TranscodeJob = transcodeJob()): Promise<ProcessingError> {
      const error = await finishJob('u1', job, options).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProcessingError);
      expect(error).toMatchObject({ code: 'TRANSCODE_FAILED', retryable: false });
      expect(puts().has('media/u1/master.m3u8')).toBe(false);
      return error as ProcessingError;
    }

    it('when a variant playlist is missing', async () => {
      const files = jobOutputs();
      files.delete(`${FOLDER}master_360p.m3u8`);
      bucketHolds(files);
      expect((await failure()).message).toBe(`The transcode of upload u1 finished without ${FOLDER}master_360p.m3u8`);
    });

    it('when a variant playlist is missing and S3 answers AccessDenied (its answer for a missing key to a reader whose listing is held to a prefix)', async () => {
      const files = jobOutputs();
      files.delete(`${FOLDER}master_360p.m3u8`);
      bucketHolds(files);
      const denied = Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      s3.on(GetObjectCommand, { Key: `${FOLDER}master_360p.m3u8` }).rejects(denied);
      expect((await failure()).message).toBe(`The transcode of upload u1 finished without ${FOLDER}master_360p.m3u8`);
    });

    it('when a segment a playlist lists is missing', async () => {
      const files = jobOutputs();
      files.delete(`${FOLDER}master_240p_00002.ts`);
      bucketHolds(files);
      expect((await failure()).message).toBe('The transcode of upload u1 finished without segment master_240p_00002.ts of the 240p rendition');
    });

    it.each([
      ['a path into a subfolder', 'sub/master_240p_00002.ts'],
      ['a path out of the folder', '../../other-upload/master_240p_00002.ts'],
      ['a URL', 'https://evil.example/master_240p_00002.ts'],
    ])('when a playlist names a segment with %s', async (_case, name) => {
      const files = jobOutputs();
      files.set(`${FOLDER}master_240p.m3u8`, variantPlaylist('240p', [6.006, 6.006, 0.988], ['master_240p_00001.ts', name, 'master_240p_00003.ts']));
      bucketHolds(files);
      expect((await failure()).message).toBe('The transcoder wrote an unexpected segment name for upload u1');
    });

    it('when the encoded video is far shorter than the file states (truncated)', async () => {
      bucketHolds(jobOutputs());
      const error = await failure(transcodeJob({}, talkMedia({ durationSeconds: 60 })));
      expect(error.message).toBe('Only 13 s of the 1:00 the file states could be decoded; it is truncated or damaged');
    });

    it('when no thumbnail frame was written', async () => {
      const files = jobOutputs();
      for (const key of [...files.keys()]) if (key.endsWith('.jpg')) files.delete(key);
      bucketHolds(files);
      const error = await finishJob('u1', transcodeJob(), options).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'TRANSCODE_FAILED', message: 'The transcode of upload u1 finished without the thumbnail frames' });
      expect(runFfmpeg).not.toHaveBeenCalled();
    });
  });

  it('fails as TOO_LONG when more was encoded than the limit allows', async () => {
    bucketHolds(jobOutputs());
    const job = transcodeJob();
    const error = await finishJob('u1', { ...job, plan: { ...job.plan, maxSeconds: 10 } }, options).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'TOO_LONG' });
  });

  it('passes on an S3 fault other than a missing key, so the event is retried', async () => {
    bucketHolds(jobOutputs());
    const fault = Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown' });
    s3.on(GetObjectCommand).rejects(fault);
    await expect(finishJob('u1', transcodeJob(), options)).rejects.toBe(fault);
  });
});
