import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32c, crc32cBase64 } from '../../client/crc32c.js';
import type { LocalMode } from '../../local/startLocal.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';
import { bundleBrowserPage } from './support/browserBundle.js';
import type { BrowserPageApi, PageUploadArgs } from './support/browserPage.js';
import { type BrowserPageServer, startBrowserPageServer } from './support/browserPageServer.js';
import { callApi, emulatorS3, readObject } from './support/localHttp.js';
import { CHROMIUM, CHROMIUM_ARGS } from './support/chromium.js';

const MiB = 1024 * 1024;
/** Three parts, the last one short, so the last part's size and offset are exercised too. */
const SIZE = 12 * MiB + 54_321;
const PART_SIZE = 5 * MiB;
/** Bounds every wait on the browser: generous for a loaded 2-core machine, never endless. */
const BROWSER_TIMEOUT_MS = 30_000;

// A developer without Chromium still gets a green run; CI must never skip this silently.
const skipReason = !existsSync(CHROMIUM) && !process.env.CI ? `skipped: ${CHROMIUM} is missing (apt-get install chromium)` : undefined;
if (skipReason) console.warn(`browserUpload.test.ts ${skipReason}; CI runs it`);

interface CompleteRequest {
  readonly parts?: readonly { partNumber: number; etag: string }[];
}

/** Calls the page script's API, with a bound: page.evaluate alone waits forever. */
async function inPage<K extends keyof BrowserPageApi>(page: Page, name: K, args: PageUploadArgs): Promise<Awaited<ReturnType<BrowserPageApi[K]>>> {
  // A string expression: a function would be serialized after vitest's transform rewrote it.
  const call = page.evaluate(`globalThis.mediaPipelinePage.${name}(${JSON.stringify(args)})`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not settle in the page within ${BROWSER_TIMEOUT_MS} ms`)), BROWSER_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([call, timeout])) as Awaited<ReturnType<BrowserPageApi[K]>>;
  } finally {
    clearTimeout(timer);
  }
}

function hash(algorithm: 'sha256' | 'md5', bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest('hex');
}

describe.skipIf(skipReason !== undefined)(`the SDK in headless Chromium${skipReason ? ` (${skipReason})` : ''}`, () => {
  let testLocal: TestLocal;
  let dir: string;
  let local: LocalMode;
  let token: string;
  let s3: S3Client;
  let pageServer: BrowserPageServer;
  let context: BrowserContext;
  let page: Page;
  let bundledInputs: readonly string[];
  const pageErrors: string[] = [];
  const completeRequests: CompleteRequest[] = [];
  const partPutUrls: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`CI is set but ${CHROMIUM} is missing: .ci/run installs the chromium package`);
    testLocal = await startTestLocal('browser-upload');
    ({ local, dir } = testLocal);
    token = await local.mintToken('browser-it');
    s3 = emulatorS3(local);

    const bundle = await bundleBrowserPage();
    bundledInputs = bundle.inputs;
    pageServer = await startBrowserPageServer(bundle.code);

    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: BROWSER_TIMEOUT_MS,
    });
    context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('request', (request) => {
      if (request.method() === 'PUT') partPutUrls.push(request.url());
      if (request.method() === 'POST' && request.url().endsWith('/complete')) completeRequests.push(request.postDataJSON() as CompleteRequest);
    });
    await page.goto(`${pageServer.origin}/`);
    await page.waitForFunction('globalThis.mediaPipelinePage !== undefined').catch((error: Error) => {
      throw new Error(`the page script did not load: ${pageErrors.join('; ') || error.message}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    await pageServer?.close();
    s3?.destroy();
    await testLocal?.stop();
  });

  it('bundles only the browser core of the SDK and its CRC-32C: no client/node, no CLI, no server code', () => {
    expect(bundledInputs).toContain('client/index.ts');
    const foreign = bundledInputs.filter(
      (input) =>
        input !== 'test/integration/support/browserPage.ts' &&
        !input.endsWith('node_modules/crc-32/crc32c.js') &&
        (!input.startsWith('client/') || /^client\/(node|cli)\//.test(input)),
    );
    expect(foreign).toEqual([]);
  });

  it('uploads a File made in the page across origins, byte for byte, with the ETags S3 exposed', async () => {
    partPutUrls.length = 0;
    completeRequests.length = 0;

    const { record, progress, sha256 } = await inPage(page, 'upload', { apiUrl: local.apiUrl, token, size: SIZE, partSize: PART_SIZE });

    expect(record).toMatchObject({ status: 'uploaded', size: SIZE, partSize: PART_SIZE, partCount: 3, contentType: 'video/mp4', filename: 'clip.mp4' });
    expect(progress[0]).toEqual({ loadedBytes: 0, totalBytes: SIZE, partsDone: 0, partCount: 3 });
    expect(progress.map((event) => event.partsDone)).toEqual([0, 1, 2, 3]);
    progress.slice(1).forEach((event, index) => expect(event.loadedBytes).toBeGreaterThan(progress[index]!.loadedBytes));
    expect(progress.at(-1)).toEqual({ loadedBytes: SIZE, totalBytes: SIZE, partsDone: 3, partCount: 3 });
    expect(pageErrors).toEqual([]);

    // The parts went from the page straight to the S3 emulator, another origin.
    expect(partPutUrls.map((url) => `${new URL(url).origin}/${new URL(url).searchParams.get('partNumber')}`).sort()).toEqual(
      [1, 2, 3].map((partNumber) => `${local.s3Endpoint}/${partNumber}`),
    );

    const stored = await readObject(s3, local.uploadsBucket, `uploads/${record.uploadId}/source`);
    expect(stored.byteLength).toBe(SIZE);
    expect(hash('sha256', stored)).toBe(sha256);

    // CORS exposed ETag, so the page completed with the part list: each ETag is S3's, the MD5 of
    // its part; and with the whole file's CRC-32C, combined in the page from its parts'.
    expect(completeRequests).toEqual([
      {
        checksumCRC32C: crc32cBase64(crc32c(stored)),
        parts: [0, 1, 2].map((index) => ({
          partNumber: index + 1,
          etag: `"${hash('md5', stored.subarray(index * PART_SIZE, (index + 1) * PART_SIZE))}"`,
        })),
      },
    ]);
  });

  it("follows an upload live with watch() over the browser's own WebSocket, to the end of its processing", async () => {
    if (!local.ffmpeg) throw new Error('This test needs an ffmpeg for processing (npm run build:ffmpeg, or ffmpeg on PATH)');

    // Random bytes declared as video/mp4: processing refuses them, which ends the upload (failed) quickly.
    const { uploadId, events, waited } = await inPage(page, 'watchWhileUploading', { apiUrl: local.apiUrl, token, size: SIZE, partSize: PART_SIZE });

    expect(pageErrors).toEqual([]);
    const seqs = events.map((event) => event.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect([...new Set(events.map((event) => event.status))]).toEqual(expect.arrayContaining(['uploaded', 'failed']));
    expect(events.at(-1)).toMatchObject({ type: 'error', uploadId, status: 'failed', error: { code: 'UNSUPPORTED_MEDIA' } });
    expect(waited).toEqual({ errorName: 'UploadNotReadyError', code: 'UNSUPPORTED_MEDIA' });
  });

  it('rejects with the SDK AbortError when the signal aborts mid-upload, and leaves the upload resumable', async () => {
    completeRequests.length = 0;

    const result = await inPage(page, 'abortAfterFirstPart', { apiUrl: local.apiUrl, token, size: SIZE, partSize: PART_SIZE });

    expect(result).toMatchObject({ errorName: 'AbortError', isAbortError: true, partsDoneAtAbort: 1 });
    expect(completeRequests).toEqual([]);
    const upload = await callApi(local, 'GET', `/uploads/${result.uploadId}`, { token });
    expect(upload.status).toBe(200);
    expect(upload.body).toMatchObject({ uploadId: result.uploadId, status: 'initiated' });
    expect(upload.body.uploadedParts.map((part: { partNumber: number }) => part.partNumber)).toContain(1);
    expect(upload.body.uploadedParts.map((part: { partNumber: number }) => part.partNumber)).not.toContain(3);
  });
});
