import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishOutputs } from '../../../../../lambdas/process-upload/ffmpeg/publishOutputs.js';

const s3Mock = mockClient(S3Client);

describe('publishOutputs', () => {
  let dir: string;
  beforeEach(async () => {
    s3Mock.reset();
    s3Mock.on(PutObjectCommand).resolves({});
    dir = await mkdtemp(join(tmpdir(), 'publish-'));
    for (const file of ['master.m3u8', 'audio/index.m3u8', 'audio/seg_00000.ts', 'audio/seg_00001.ts', 'waveform.json']) {
      await mkdir(join(dir, file, '..'), { recursive: true });
      await writeFile(join(dir, file), `bytes of ${file}`);
    }
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('uploads every file under the prefix with its bytes, type and cache policy, and returns the keys', async () => {
    const keys = await publishOutputs(dir, { s3: new S3Client({}), bucket: 'media-bucket', prefix: 'media/u1/', concurrency: 2 });
    expect([...keys].sort()).toEqual(['media/u1/audio/index.m3u8', 'media/u1/audio/seg_00000.ts', 'media/u1/audio/seg_00001.ts', 'media/u1/master.m3u8', 'media/u1/waveform.json']);
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'media-bucket',
      Key: 'media/u1/waveform.json',
      ContentType: 'application/json',
      CacheControl: 'public, max-age=31536000, immutable',
    });
    const waveform = s3Mock.commandCalls(PutObjectCommand).find(({ args }) => args[0].input.Key === 'media/u1/waveform.json');
    expect(Buffer.from(waveform?.args[0].input.Body as Uint8Array).toString()).toBe('bytes of waveform.json');
  });

  it('uploads segments before media playlists, and the master playlist after everything', async () => {
    const keys = await publishOutputs(dir, { s3: new S3Client({}), bucket: 'media-bucket', prefix: 'media/u1/' });
    expect(keys.slice(3)).toEqual(['media/u1/audio/index.m3u8', 'media/u1/master.m3u8']);
  });

  it('stops with the error when an upload fails', async () => {
    s3Mock.on(PutObjectCommand, { Key: 'media/u1/audio/seg_00001.ts' }).rejects(new Error('SlowDown'));
    await expect(publishOutputs(dir, { s3: new S3Client({}), bucket: 'media-bucket', prefix: 'media/u1/' })).rejects.toThrow('SlowDown');
    expect(s3Mock.commandCalls(PutObjectCommand).map(({ args }) => args[0].input.Key)).not.toContain('media/u1/master.m3u8');
  });
});
