import type { S3Client } from '@aws-sdk/client-s3';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomFillSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FetchFunction } from '../../client/apiTransport.js';
import { createClient } from '../../client/createClient.js';
import { AbortError } from '../../client/errors.js';
import { openFileSource } from '../../client/node/fileSource.js';
import type { LocalMode } from '../../local/startLocal.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';
import { emulatorS3, readObject } from './support/localHttp.js';

const MiB = 1024 * 1024;
const run = promisify(execFile);

/** Wraps fetch to see which parts were PUT (the part URLs carry `partNumber`). */
function countingFetch(onPartStored?: (stored: number) => void) {
  const partsPut: number[] = [];
  const fetch: FetchFunction = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (init?.method === 'PUT') {
      partsPut.push(Number(new URL(input).searchParams.get('partNumber')));
      if (response.ok) onPartStored?.(partsPut.length);
    }
    return response;
  };
  return { fetch, partsPut };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('client SDK and CLI against local mode', () => {
  let local: LocalMode;
  let testLocal: TestLocal;
  let dir: string;
  let token: string;
  let s3: S3Client;
  let file: string;
  let fileHash: string;

  beforeAll(async () => {
    testLocal = await startTestLocal('client-upload');
    ({ local, dir } = testLocal);
    token = await local.mintToken('client-it');
    s3 = emulatorS3(local);
    const bytes = randomFillSync(Buffer.alloc(23 * MiB));
    file = join(dir, 'clip.mp4');
    await writeFile(file, bytes);
    fileHash = sha256(bytes);
  });

  afterAll(async () => {
    s3?.destroy();
    await testLocal?.stop();
  });

  async function storedHash(sourceKey: string): Promise<string> {
    return sha256(await readObject(s3, local.uploadsBucket, sourceKey));
  }

  it('uploads a 23 MiB file in 5 MiB parts, byte for byte', async () => {
    const { fetch, partsPut } = countingFetch();
    const client = createClient({ apiUrl: local.apiUrl, token, fetch });
    const source = await openFileSource(file);
    try {
      const record = await client.upload(source, { partSize: 5 * MiB });

      expect(record).toMatchObject({ status: 'uploaded', size: 23 * MiB, partSize: 5 * MiB, partCount: 5, contentType: 'video/mp4' });
      expect(partsPut.sort()).toEqual([1, 2, 3, 4, 5]);
      expect(await storedHash(`uploads/${record.uploadId}/source`)).toBe(fileHash);
    } finally {
      await source.close();
    }
  });

  it('resumes an upload aborted half-way by sending only the missing parts', async () => {
    const controller = new AbortController();
    const first = countingFetch((stored) => {
      if (stored === 2) controller.abort();
    });
    const source = await openFileSource(file);
    try {
      const task = createClient({ apiUrl: local.apiUrl, token, fetch: first.fetch }).startUpload(source, {
        partSize: 5 * MiB,
        concurrency: 1,
        signal: controller.signal,
      });
      await expect(task.result).rejects.toBeInstanceOf(AbortError);
      const uploadId = task.uploadId as string;
      expect(first.partsPut).toEqual([1, 2]);

      const second = countingFetch();
      const client = createClient({ apiUrl: local.apiUrl, token, fetch: second.fetch });
      expect((await client.getUpload(uploadId)).uploadedParts?.map((part) => part.partNumber)).toEqual([1, 2]);

      const record = await client.resume(uploadId, source);

      expect(record).toMatchObject({ uploadId, status: 'uploaded', size: 23 * MiB });
      expect(second.partsPut.sort()).toEqual([3, 4, 5]);
      expect(await storedHash(`uploads/${uploadId}/source`)).toBe(fileHash);
    } finally {
      await source.close();
    }
  });

  it('the CLI uploads a file as a child process (--no-wait: no processing to follow for random bytes), exits 0, and status shows the upload', async () => {
    const small = join(dir, 'voice.mp3');
    await writeFile(small, randomFillSync(Buffer.alloc(6 * MiB)));
    const bin = join(process.cwd(), 'client/cli/bin.js');
    const env = { ...process.env, MEDIA_PIPELINE_API: local.apiUrl, MEDIA_PIPELINE_TOKEN: token };

    const uploaded = await run(process.execPath, [bin, 'upload', small, '--concurrency', '2', '--no-wait'], { env });
    const record = JSON.parse(uploaded.stdout) as { uploadId: string; status: string };

    expect(record).toMatchObject({ status: 'uploaded', filename: 'voice.mp3', contentType: 'audio/mpeg', size: 6 * MiB });
    expect(uploaded.stderr).toContain(`Upload ${record.uploadId}:`);
    expect(uploaded.stderr).toContain('100.0%');

    const status = await run(process.execPath, [bin, 'status', record.uploadId], { env });
    expect(JSON.parse(status.stdout)).toMatchObject({ uploadId: record.uploadId, filename: 'voice.mp3', size: 6 * MiB });
  });

  it('the CLI exits 1 with the API code for an unknown upload', async () => {
    const bin = join(process.cwd(), 'client/cli/bin.js');

    const failure = await run(process.execPath, [bin, 'status', 'no-such-upload', '--api', local.apiUrl, '--token', token]).catch(
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('NOT_FOUND (404)');
  });

  it('the CLI interrupted while a part is in flight, even by a Ctrl-C that arrives twice, prints how to resume and exits 130', async () => {
    // A stand-in API whose part URL never answers, so the upload is surely in flight when the signals arrive.
    const api = createServer((req, res) => {
      if (req.method !== 'POST') return;
      const partUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/part/1`;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ uploadId: 'u-stalled', status: 'initiated', partSize: 5 * MiB, partCount: 1, parts: [{ partNumber: 1, url: partUrl }], expiresAt: '2099-01-01T00:00:00Z', partUrlsExpireAt: '2099-01-01T00:00:00Z' }),
      );
    });
    api.listen(0, '127.0.0.1');
    await once(api, 'listening');
    const small = join(dir, 'stalled.mp3');
    await writeFile(small, randomFillSync(Buffer.alloc(MiB)));
    const child = spawn(process.execPath, [join(process.cwd(), 'client/cli/bin.js'), 'upload', small, '--api', `http://127.0.0.1:${(api.address() as AddressInfo).port}`, '--token', 't'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stderr = '';
      child.stderr.setEncoding('utf8');
      const created = new Promise<void>((resolve) => {
        child.stderr.on('data', (text: string) => {
          stderr += text;
          if (stderr.includes('Upload u-stalled:')) resolve();
        });
      });
      const exited = once(child, 'exit') as Promise<[number | null]>;
      await created;

      child.kill('SIGINT');
      child.kill('SIGINT');
      const [code] = await exited;

      expect(code).toBe(130);
      expect(stderr).toContain('--resume u-stalled');
    } finally {
      child.kill('SIGKILL');
      api.closeAllConnections();
      api.close();
    }
  });
});
