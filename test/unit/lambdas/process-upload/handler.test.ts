import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.UPLOADS_TABLE = 'uploads-table';
  process.env.USAGE_TABLE = 'usage-table';
  process.env.UPLOADS_BUCKET = 'uploads-bucket';
  process.env.MEDIA_BUCKET = 'media-bucket';
  process.env.INVALIDATION_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations';
  process.env.MEDIA_BASE_URL = 'https://cdn.example.com/';
});

vi.mock('../../../../lambdas/process-upload/probe/probeMedia.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../../lambdas/process-upload/probe/probeMedia.js')>()),
  probeMedia: vi.fn(),
}));
vi.mock('../../../../lambdas/process-upload/ffmpeg/transcodeVideo.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../../lambdas/process-upload/ffmpeg/transcodeVideo.js')>()),
  transcodeVideo: vi.fn(),
}));

import { handler } from '../../../../lambdas/process-upload/handler.js';
import { transcodeVideo } from '../../../../lambdas/process-upload/ffmpeg/transcodeVideo.js';
import type { WorkContext } from '../../../../lambdas/process-upload/WorkContext.js';
import { ProcessingError } from '../../../../lambdas/shared/errors.js';
import { logger } from '../../../../lambdas/shared/logger.js';
import { probeMedia } from '../../../../lambdas/process-upload/probe/probeMedia.js';
import type { ProbeOutput } from '../../../../lambdas/process-upload/ffmpeg/probeOutput.js';
import type { MediaInfo, UploadRecord } from '../../../../lambdas/shared/uploadRecord.js';
import { lambdaContext } from '../../support/lambdaContext.js';
import { fakeUploadsTable, uploadRecord } from './fakeUploadsTable.js';

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);

const VIDEO_PROBE: ProbeOutput = {
  format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '12.5', bit_rate: '2000000' },
  streams: [
    { index: 0, codec_type: 'video', codec_name: 'h264', width: 1280, height: 720, avg_frame_rate: '30/1' },
    { index: 1, codec_type: 'audio', codec_name: 'aac' },
  ],
};
const AUDIO_PROBE: ProbeOutput = { format: { format_name: 'mp3', duration: '200' }, streams: [{ index: 0, codec_type: 'audio', codec_name: 'mp3' }] };

const MEDIA: MediaInfo = { kind: 'video', durationSeconds: 12.5, width: 1280, height: 720, hlsUrl: 'https://cdn.example.com/media/u1/master.m3u8' };

/** The outputs a video run leaves, relative to the output folder. */
const OUTPUT_FILES = ['240p/seg_00000.ts', '240p/index.m3u8', 'master.m3u8', 'poster.jpg', 'thumbnails/sprite.jpg', 'thumbnails/thumbnails.vtt'];

let workDirs: string[];

function s3Event(key: string, eventName = 'ObjectCreated:CompleteMultipartUpload') {
  return JSON.stringify({ Records: [{ eventName, s3: { bucket: { name: 'uploads-bucket' }, object: { key } } }] });
}

function sqsEvent(body: string, receiveCount = 1): SQSEvent {
  return {
    Records: [
      {
        messageId: 'm1',
        receiptHandle: 'r1',
        body,
        attributes: {
          ApproximateReceiveCount: String(receiveCount),
          SentTimestamp: '0',
          SenderId: 's3',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:queue',
        awsRegion: 'eu-west-1',
      },
    ],
  };
}

const deliver = (receiveCount = 1, key = 'uploads/u1/source') => handler(sqsEvent(s3Event(key), receiveCount), lambdaContext());

function statusWrites(): string[] {
  return dynamo.commandCalls(UpdateCommand).map(({ args }) => {
    const values = args[0].input.ExpressionAttributeValues ?? {};
    const stage = Object.entries(args[0].input.ExpressionAttributeNames ?? {}).some(([, field]) => field === 'stage')
      ? ` ${Object.entries(values).find(([key, value]) => key.startsWith(':p') && typeof value === 'string' && value !== 'ffmpeg')?.[1] ?? ''}`
      : '';
    return `${values[':from0']}>${values[':to']}${stage}`.trimEnd();
  });
}

describe('process-upload handler', () => {
  let table: Map<string, UploadRecord>;

  beforeEach(() => {
    vi.clearAllMocks();
    dynamo.reset();
    s3.reset();
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'invalidation-1' });
    s3.on(PutObjectCommand).resolves({});
    workDirs = [];
    table = fakeUploadsTable(dynamo, [uploadRecord({ status: 'uploaded', kind: 'video' })]);
    vi.mocked(probeMedia).mockResolvedValue(VIDEO_PROBE);
    vi.mocked(transcodeVideo).mockImplementation(async (work: WorkContext) => {
      workDirs.push(work.outputDir);
      for (const file of OUTPUT_FILES) {
        await mkdir(join(work.outputDir, file, '..'), { recursive: true });
        await writeFile(join(work.outputDir, file), file);
      }
      return MEDIA;
    });
    for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => undefined);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('probes the original through a loopback server that reads it with GetObject, transcodes, publishes and ends ready', async () => {
    s3.on(GetObjectCommand).resolves({ Body: Readable.from([Buffer.from('original bytes')]) as never, ContentLength: 14 });
    let read = '';
    vi.mocked(probeMedia).mockImplementation(async (url) => {
      read = await (await fetch(url)).text();
      return VIDEO_PROBE;
    });
    await expect(deliver()).resolves.toEqual({ batchItemFailures: [] });

    const [url] = vi.mocked(probeMedia).mock.calls[0] ?? [];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}$/);
    expect(read).toBe('original bytes');
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: 'uploads-bucket', Key: 'uploads/u1/source' });
    expect(vi.mocked(transcodeVideo).mock.calls[0]?.[0].source).toEqual({ url, demuxer: 'mov' });
    await expect(fetch(url as string)).rejects.toThrow();
    expect(table.get('u1')).toMatchObject({ status: 'ready', media: MEDIA, transcoder: 'ffmpeg' });
    expect(table.get('u1')?.progress).toBeUndefined();
    expect(table.get('u1')?.stage).toBeUndefined();
    expect(statusWrites()).toEqual(['uploaded>processing probe', 'processing>processing transcode', 'processing>processing publish', 'processing>ready']);
  });

  it('stores every output under media/{uploadId}/ with its content type and cache policy, the master playlist last', async () => {
    await deliver();
    const puts = s3.commandCalls(PutObjectCommand).map(({ args }) => args[0].input);
    const headers = puts.map((put) => [put.Key, put.ContentType, put.CacheControl]);
    // Files that are not playlists go up together, in any order; then media playlists; the master last.
    expect(headers.slice(0, 4)).toEqual(
      expect.arrayContaining([
        ['media/u1/240p/seg_00000.ts', 'video/mp2t', 'public, max-age=31536000, immutable'],
        ['media/u1/poster.jpg', 'image/jpeg', 'public, max-age=31536000, immutable'],
        ['media/u1/thumbnails/sprite.jpg', 'image/jpeg', 'public, max-age=31536000, immutable'],
        ['media/u1/thumbnails/thumbnails.vtt', 'text/vtt; charset=utf-8', 'public, max-age=31536000, immutable'],
      ]),
    );
    expect(headers.slice(4)).toEqual([
      ['media/u1/240p/index.m3u8', 'application/vnd.apple.mpegurl', 'public, max-age=300'],
      ['media/u1/master.m3u8', 'application/vnd.apple.mpegurl', 'public, max-age=300'],
    ]);
    expect(puts.every((put) => put.Bucket === 'media-bucket')).toBe(true);
    expect(Buffer.from(puts.at(-1)?.Body as Uint8Array).toString()).toBe('master.m3u8');
  });

  it('removes its work folder under /tmp', async () => {
    await deliver();
    expect(workDirs).toHaveLength(1);
    expect(existsSync(join(workDirs[0] as string, '..'))).toBe(false);
  });

  it('fails a file of another kind than declared as UNSUPPORTED_MEDIA, publishes nothing and does not retry', async () => {
    vi.mocked(probeMedia).mockResolvedValue(AUDIO_PROBE);
    await expect(deliver()).resolves.toEqual({ batchItemFailures: [] });
    expect(table.get('u1')).toMatchObject({
      status: 'failed',
      error: { code: 'UNSUPPORTED_MEDIA', message: 'The file was declared as video but holds audio (mp3); upload a file of the declared kind' },
    });
    expect(table.get('u1')?.stage).toBeUndefined();
    expect(transcodeVideo).not.toHaveBeenCalled();
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('fails for good on a final processing error from ffmpeg, keeping its code and message', async () => {
    vi.mocked(transcodeVideo).mockRejectedValue(new ProcessingError('TRANSCODE_FAILED', 'Making the video renditions failed: …'));
    await expect(deliver()).resolves.toEqual({ batchItemFailures: [] });
    expect(table.get('u1')).toMatchObject({ status: 'failed', error: { code: 'TRANSCODE_FAILED', message: 'Making the video renditions failed: …' } });
  });

  it('leaves a transient fault to SQS: the message is a batch item failure and the upload stays processing', async () => {
    vi.mocked(probeMedia).mockRejectedValue(new ProcessingError('SOURCE_UNAVAILABLE', 'could not read', { retryable: true }));
    await expect(deliver(1)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(table.get('u1')?.status).toBe('processing');
  });

  it('retries after an S3 throttle while publishing, then succeeds on the redelivery', async () => {
    const slowDown = new S3ServiceException({ name: 'SlowDown', $fault: 'server', message: 'Please reduce your request rate', $metadata: { httpStatusCode: 503 } });
    s3.on(PutObjectCommand).rejectsOnce(slowDown).resolves({});
    await expect(deliver(1)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(table.get('u1')?.status).toBe('processing');
    await expect(deliver(2)).resolves.toEqual({ batchItemFailures: [] });
    expect(table.get('u1')?.status).toBe('ready');
  });

  it('fails the upload on the last receive before the dead-letter queue, and still reports the message failed', async () => {
    vi.mocked(probeMedia).mockRejectedValue(new ProcessingError('SOURCE_UNAVAILABLE', 'could not read', { retryable: true }));
    table.set('u1', uploadRecord({ status: 'processing', stage: 'probe', progress: 0 }));
    await expect(deliver(3)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(table.get('u1')).toMatchObject({
      status: 'failed',
      error: { code: 'SOURCE_UNAVAILABLE', message: 'The uploaded file could not be read from storage in 3 attempts; upload it again' },
    });
  });

  it('names an unexpected fault PROCESSING_FAILED on the last receive, without its internals', async () => {
    vi.mocked(transcodeVideo).mockRejectedValue(new TypeError("Cannot read properties of undefined (reading 'width')"));
    table.set('u1', uploadRecord({ status: 'processing' }));
    await expect(deliver(3)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(table.get('u1')?.error).toEqual({
      code: 'PROCESSING_FAILED',
      message: 'Processing failed 3 times because of a fault on our side; upload the file again later',
    });
  });

  it('stops when the upload is cancelled mid-way: no outputs, no failure written, the message done', async () => {
    vi.mocked(transcodeVideo).mockImplementation(async () => {
      table.set('u1', { ...(table.get('u1') as UploadRecord), status: 'cancelled' });
      return MEDIA;
    });
    await expect(deliver()).resolves.toEqual({ batchItemFailures: [] });
    expect(table.get('u1')?.status).toBe('cancelled');
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  describe('with the poster published ahead of the ladder', () => {
    const POSTER_URL = 'https://cdn.example.com/media/u1/poster.jpg';
    let whilePublished: UploadRecord | undefined;

    /** What transcodeVideo does first: the poster is published and on the record, then `next` happens mid-way. */
    function posterThen(next: (work: WorkContext) => Promise<MediaInfo>) {
      vi.mocked(transcodeVideo).mockImplementation(async (work: WorkContext) => {
        const poster = join(work.scratchDir, 'poster.jpg');
        await writeFile(poster, 'jpeg bytes');
        await work.progress.reportMedia({ kind: 'video', posterUrl: await work.publishNow(poster, 'poster.jpg') });
        whilePublished = table.get('u1');
        return next(work);
      });
      s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'media/u1/poster.jpg' }] });
      s3.on(DeleteObjectsCommand).resolves({});
    }

    it('shows the poster on the processing record, then removes it and queues its invalidation in the CDN when the ladder fails for good on a first delivery', async () => {
      posterThen(async () => {
        throw new ProcessingError('TRANSCODE_FAILED', 'Making the video renditions failed: …');
      });
      await expect(deliver(1)).resolves.toEqual({ batchItemFailures: [] });
      expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'media-bucket', Key: 'media/u1/poster.jpg', ContentType: 'image/jpeg' });
      expect(whilePublished).toMatchObject({ status: 'processing', stage: 'transcode', media: { kind: 'video', posterUrl: POSTER_URL } });
      expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: [{ Key: 'media/u1/poster.jpg' }], Quiet: true } });
      expect(table.get('u1')).toMatchObject({ status: 'failed', error: { code: 'TRANSCODE_FAILED' } });
      expect(table.get('u1')?.media).toBeUndefined();
      expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageCommand, {
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations',
        MessageBody: JSON.stringify({ uploadId: 'u1' }),
        DelaySeconds: 60,
      });
    });

    it('removes the poster when the upload is cancelled while the ladder encodes, and is done with the message', async () => {
      posterThen(async (work) => {
        table.set('u1', { ...(table.get('u1') as UploadRecord), status: 'cancelled' });
        await work.progress.stage('thumbnails');
        throw new Error('the stage write must refuse a cancelled upload');
      });
      await expect(deliver(1)).resolves.toEqual({ batchItemFailures: [] });
      expect(whilePublished?.media?.posterUrl).toBe(POSTER_URL);
      expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, { Bucket: 'media-bucket', Delete: { Objects: [{ Key: 'media/u1/poster.jpg' }], Quiet: true } });
      expect(table.get('u1')?.status).toBe('cancelled');
    });

    it('keeps the same poster URL on the ready record, and removes nothing', async () => {
      posterThen(async () => ({ ...MEDIA, posterUrl: POSTER_URL }));
      await expect(deliver(1)).resolves.toEqual({ batchItemFailures: [] });
      expect(table.get('u1')).toMatchObject({ status: 'ready', media: { posterUrl: POSTER_URL } });
      expect(s3.commandCalls(PutObjectCommand).filter(({ args }) => args[0].input.Key === 'media/u1/poster.jpg')).toHaveLength(1);
      expect(s3).not.toHaveReceivedCommand(DeleteObjectsCommand);
    });
  });

  it('deletes the outputs it wrote when the upload was cancelled during publishing', async () => {
    s3.on(PutObjectCommand).callsFake(async () => {
      table.set('u1', { ...(table.get('u1') as UploadRecord), status: 'cancelled' });
      return {};
    });
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'media/u1/master.m3u8' }, { Key: 'media/u1/poster.jpg' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    await expect(deliver()).resolves.toEqual({ batchItemFailures: [] });
    expect(s3).toHaveReceivedCommandWith(ListObjectsV2Command, { Bucket: 'media-bucket', Prefix: 'media/u1/' });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, {
      Bucket: 'media-bucket',
      Delete: { Objects: [{ Key: 'media/u1/master.m3u8' }, { Key: 'media/u1/poster.jpg' }], Quiet: true },
    });
    expect(table.get('u1')?.status).toBe('cancelled');
  });

  it('removes what it published when the upload was deleted during publishing, and is done with the message', async () => {
    s3.on(PutObjectCommand).callsFake(async () => {
      table.delete('u1');
      return {};
    });
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'media/u1/master.m3u8' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    await expect(deliver()).resolves.toEqual({ batchItemFailures: [] });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, {
      Bucket: 'media-bucket',
      Delete: { Objects: [{ Key: 'media/u1/master.m3u8' }], Quiet: true },
    });
    expect(table.has('u1')).toBe(false);
  });

  it('retries a crash of ffmpeg or ffprobe, then fails it as PROCESSING_FAILED, never as unsupported media', async () => {
    vi.mocked(probeMedia).mockRejectedValue(new ProcessingError('PROCESSING_FAILED', 'ffprobe crashed (SIGSEGV) reading the original', { retryable: true }));
    expect(await deliver(1)).toEqual({ batchItemFailures: [expect.anything()] });
    expect(table.get('u1')?.status).toBe('processing');
    expect(await deliver(3)).toEqual({ batchItemFailures: [expect.anything()] });
    expect(table.get('u1')).toMatchObject({
      status: 'failed',
      error: { code: 'PROCESSING_FAILED', message: 'Processing failed 3 times because of a fault on our side; upload the file again later' },
    });
  });

  it('removes what an earlier attempt published when a redelivered run fails for good', async () => {
    // The earlier attempt published, then died or failed before its ready write: its outputs are under media/u1/.
    table.set('u1', uploadRecord({ status: 'processing', stage: 'publish', progress: 95 }));
    vi.mocked(transcodeVideo).mockRejectedValue(new ProcessingError('TIMED_OUT', 'Processing did not finish within the time limit'));
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'media/u1/master.m3u8' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    await expect(deliver(2)).resolves.toEqual({ batchItemFailures: [] });
    expect(table.get('u1')).toMatchObject({ status: 'failed', error: { code: 'TIMED_OUT' } });
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, {
      Bucket: 'media-bucket',
      Delete: { Objects: [{ Key: 'media/u1/master.m3u8' }], Quiet: true },
    });
    expect(sqs).toHaveReceivedCommandExactlyOnceWith(SendMessageCommand, {
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/invalidations',
      MessageBody: JSON.stringify({ uploadId: 'u1' }),
      DelaySeconds: 60,
    });
  });

  it('removes what an earlier attempt published when the upload is cancelled during a redelivered run', async () => {
    table.set('u1', uploadRecord({ status: 'processing', stage: 'publish', progress: 95 }));
    vi.mocked(transcodeVideo).mockImplementation(async () => {
      table.set('u1', { ...(table.get('u1') as UploadRecord), status: 'cancelled' });
      return MEDIA;
    });
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'media/u1/master.m3u8' }] });
    s3.on(DeleteObjectsCommand).resolves({});
    await expect(deliver(2)).resolves.toEqual({ batchItemFailures: [] });
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
    expect(s3).toHaveReceivedCommandWith(DeleteObjectsCommand, {
      Bucket: 'media-bucket',
      Delete: { Objects: [{ Key: 'media/u1/master.m3u8' }], Quiet: true },
    });
  });

  it('looks for no outputs to remove and asks for no invalidation when a first delivery fails before publishing (a rejected file costs no CDN invalidation)', async () => {
    vi.mocked(transcodeVideo).mockRejectedValue(new ProcessingError('TRANSCODE_FAILED', 'Making the video renditions failed: …'));
    await deliver(1);
    expect(s3).not.toHaveReceivedCommand(ListObjectsV2Command);
    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('does nothing for a duplicate event of a ready upload', async () => {
    table.set('u1', uploadRecord({ status: 'ready', media: MEDIA }));
    await expect(deliver(1)).resolves.toEqual({ batchItemFailures: [] });
    expect(probeMedia).not.toHaveBeenCalled();
    expect(s3.calls()).toEqual([]);
  });

  it('ignores keys that are not originals and S3 test events without touching the table', async () => {
    await expect(handler(sqsEvent(s3Event('uploads/u1/other')), lambdaContext())).resolves.toEqual({ batchItemFailures: [] });
    await expect(handler(sqsEvent(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent' })), lambdaContext())).resolves.toEqual({
      batchItemFailures: [],
    });
    expect(dynamo.calls()).toEqual([]);
  });
});
