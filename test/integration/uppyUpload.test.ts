import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListPartsCommand, NoSuchUpload, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page, type Request, type Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMode } from '../../local/startLocal.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';
import { bundleBrowserPage } from './support/browserBundle.js';
import { type BrowserPageServer, startBrowserPageServer } from './support/browserPageServer.js';
import { callApi, emulatorS3, readObject } from './support/localHttp.js';
import type { UppyFileArgs, UppyPageApi, UppyState } from './support/uppyPage.js';
import { CHROMIUM, CHROMIUM_ARGS } from './support/chromium.js';

const MiB = 1024 * 1024;
/** Uppy cuts it into 5,242,880 + 5,242,880 + 2,151,473 bytes. */
const SIZE = 12 * MiB + 54_321;
const UPPY_PARTS = [5 * MiB, 5 * MiB, 2_151_473];
/** Small enough to go over with a file made in the page. */
const MAX_FILE_SIZE = 16 * MiB;
/** Bounds every wait on the browser: generous for a loaded 2-core machine, never endless. */
const BROWSER_TIMEOUT_MS = 30_000;
const PAGE_SCRIPT = fileURLToPath(new URL('./support/uppyPage.ts', import.meta.url));

const skipReason = !existsSync(CHROMIUM) && !process.env.CI ? `skipped: ${CHROMIUM} is missing (apt-get install chromium)` : undefined;
if (skipReason) console.warn(`uppyUpload.test.ts ${skipReason}; CI runs it`);

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What a request to the API or S3 was, in the protocol's terms; undefined for preflights and anything else. */
function label(request: Request, local: LocalMode): string | undefined {
  const url = new URL(request.url());
  const method = request.method();
  if (method === 'OPTIONS') return undefined;
  if (url.origin === new URL(local.s3Endpoint).origin) {
    const partNumber = url.searchParams.get('partNumber');
    return partNumber === null ? `${method} object` : `${method} part ${partNumber}`;
  }
  if (url.origin !== new URL(local.apiUrl).origin) return undefined;
  const path = url.pathname;
  if (method === 'POST' && path === '/s3/multipart') return 'create';
  if (method === 'GET' && path === '/s3/params') return 'params';
  if (method === 'POST' && /^\/s3\/multipart\/[^/]+\/complete$/.test(path)) return 'complete';
  if (method === 'GET' && /^\/s3\/multipart\/[^/]+\/batch$/.test(path)) return 'batch';
  const sign = /^\/s3\/multipart\/[^/]+\/(\d+)$/.exec(path);
  if (method === 'GET' && sign) return `sign ${sign[1]}`;
  if (method === 'GET' && /^\/s3\/multipart\/[^/]+$/.test(path)) return 'list';
  if (method === 'DELETE' && /^\/s3\/multipart\/[^/]+$/.test(path)) return 'delete';
  return `${method} ${path}`;
}

describe.skipIf(skipReason !== undefined)(`Uppy 5 (@uppy/aws-s3) in headless Chromium against local mode${skipReason ? ` (${skipReason})` : ''}`, () => {
  let testLocal: TestLocal;
  let dir: string;
  let local: LocalMode;
  let token: string;
  let s3: S3Client;
  let dynamo: DynamoDBDocumentClient;
  let pageServer: BrowserPageServer;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const requests: Request[] = [];
  /** An upload test 1 finished, for the DELETE that must change nothing. */
  let finished: { uploadId: string; sha256: string } | undefined;

  async function call<K extends keyof UppyPageApi>(name: K, args?: UppyFileArgs): Promise<Awaited<ReturnType<UppyPageApi[K]>>> {
    // A string expression: a function would be serialized after vitest's transform rewrote it.
    const expression = `globalThis.uppyPage.${name}(${args === undefined ? '' : JSON.stringify(args)})`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${name} did not settle within ${BROWSER_TIMEOUT_MS} ms`)), BROWSER_TIMEOUT_MS);
    });
    try {
      return (await Promise.race([page.evaluate(expression), timeout])) as Awaited<ReturnType<UppyPageApi[K]>>;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits, bounded, until the page's Uppy state satisfies `condition` (a JS expression over `s`). */
  async function until(condition: string): Promise<UppyState> {
    await page.waitForFunction(`(() => { const s = globalThis.uppyPage.state(); return ${condition}; })()`, undefined, {
      timeout: BROWSER_TIMEOUT_MS,
      polling: 50,
    });
    return call('state');
  }

  /** The labelled requests since `from` (an index into `requests`). */
  function labelsSince(from: number): string[] {
    return requests.slice(from).flatMap((request) => label(request, local) ?? []);
  }

  /**
   * Holds every part PUT but part 1 at the network until `release`, so a test can act between
   * part 1 and the rest however fast the machine is. Released PUTs are failed: the page has
   * given up on them by then (paused or removed).
   */
  async function holdPartsAfterFirst(): Promise<{ release(): Promise<void> }> {
    const held: Route[] = [];
    const s3Origin = new URL(local.s3Endpoint).origin;
    const matcher = (url: URL) => url.origin === s3Origin;
    const handler = (route: Route) => {
      const request = route.request();
      if (request.method() === 'PUT' && new URL(request.url()).searchParams.get('partNumber') !== '1') held.push(route);
      else route.continue().catch(() => undefined);
    };
    await page.route(matcher, handler);
    return {
      release: async () => {
        await page.unroute(matcher, handler);
        await Promise.all(held.map((route) => route.abort().catch(() => undefined)));
      },
    };
  }

  async function record(uploadId: string) {
    const answer = await callApi(local, 'GET', `/uploads/${uploadId}`, { token });
    expect(answer.status).toBe(200);
    return answer.body as Record<string, any>;
  }

  /** The parts S3 holds of an upload's multipart upload (its id is on the record, never shown to clients). */
  async function heldParts(uploadId: string): Promise<number[]> {
    const { Item } = await dynamo.send(new GetCommand({ TableName: local.uploadsTable, Key: { uploadId } }));
    const { Parts } = await s3.send(
      new ListPartsCommand({ Bucket: local.uploadsBucket, Key: `uploads/${uploadId}/source`, UploadId: Item!.multipartUploadId as string }),
    );
    return (Parts ?? []).map((part) => part.PartNumber!);
  }

  async function storedSha256(uploadId: string): Promise<string> {
    return sha256(await readObject(s3, local.uploadsBucket, `uploads/${uploadId}/source`));
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`CI is set but ${CHROMIUM} is missing: .ci/run installs the chromium package`);
    testLocal = await startTestLocal('uppy-upload', {
      // Random bytes are not media: without processing, a completed upload stays `uploaded`.
      processUploads: false,
      uploadPolicy: { maxFileSize: MAX_FILE_SIZE, maxActiveUploadsPerUser: 50 },
    });
    ({ local, dir } = testLocal);
    token = await local.mintToken('uppy-it');
    s3 = emulatorS3(local);
    dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: local.region, credentials: local.credentials }));

    const bundle = await bundleBrowserPage(PAGE_SCRIPT);
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
    page.on('request', (request) => requests.push(request));
    await page.goto(`${pageServer.origin}/`);
    await page.waitForFunction('globalThis.uppyPage !== undefined').catch((error: Error) => {
      throw new Error(`the page script did not load: ${pageErrors.join('; ') || error.message}`);
    });
  });

  afterAll(async () => {
    await context?.close();
    await pageServer?.close();
    s3?.destroy();
    dynamo?.destroy();
    await testLocal?.stop();
  });

  it('1. uploads a 12 MiB + 54,321 B file made in the page: create, sign, PUT, complete, the token on every API call and never on a PUT', async () => {
    const from = requests.length;
    const { sha256: pageSha256 } = await call('create', { apiUrl: local.apiUrl, token, size: SIZE });
    await call('start');
    const state = await until('s.completed');

    expect(state.error).toBeUndefined();
    const uploadId = state.uploadId!;
    expect(state.success).toEqual({ uploadURL: `/uploads/${uploadId}`, location: `/uploads/${uploadId}` });

    const labels = labelsSince(from);
    expect([...labels].sort()).toEqual(['PUT part 1', 'PUT part 2', 'PUT part 3', 'complete', 'create', 'sign 1', 'sign 2', 'sign 3']);
    expect(labels[0]).toBe('create');
    expect(labels.at(-1)).toBe('complete');
    for (const part of [1, 2, 3]) expect(labels.indexOf(`sign ${part}`)).toBeLessThan(labels.indexOf(`PUT part ${part}`));

    const seen = requests.slice(from).filter((request) => label(request, local) !== undefined);
    for (const request of seen) {
      const headers = await request.allHeaders();
      if (request.method() === 'PUT') {
        expect(headers.authorization, request.url()).toBeUndefined();
        const part = Number(new URL(request.url()).searchParams.get('partNumber'));
        expect(Number(headers['content-length']), `part ${part}`).toBe(UPPY_PARTS[part - 1]);
      } else {
        expect(headers.authorization, `${request.method()} ${request.url()}`).toBe(`Bearer ${token}`);
      }
    }

    expect(await storedSha256(uploadId)).toBe(pageSha256);
    expect(await record(uploadId)).toMatchObject({ status: 'uploaded', size: SIZE, partSize: 5 * MiB, partCount: 3, sizeMode: 'open', filename: 'clip.mp4' });
    expect(pageErrors).toEqual([]);
    finished = { uploadId, sha256: pageSha256 };
  });

  it('1b. with the size in the file meta (strict), each part URL signs the exact length Uppy PUTs', async () => {
    const from = requests.length;
    const { sha256: pageSha256 } = await call('create', { apiUrl: local.apiUrl, token, size: SIZE, meta: { size: String(SIZE), title: 'Strict' } });
    await call('start');
    const state = await until('s.completed');

    expect(state.error).toBeUndefined();
    const signs = requests.slice(from).filter((request) => label(request, local)?.startsWith('sign '));
    expect(signs).toHaveLength(3);
    for (const sign of signs) expect((await (await sign.response())!.json()).url).toContain('X-Amz-SignedHeaders=content-length%3Bhost');
    expect(await storedSha256(state.uploadId!)).toBe(pageSha256);
    const stored = await record(state.uploadId!);
    expect(stored).toMatchObject({ status: 'uploaded', size: SIZE, partSize: 5 * MiB, partCount: 3, metadata: { title: 'Strict' } });
    expect(stored.sizeMode).toBeUndefined();
  });

  it('2. pause and resume: lists the parts S3 holds and sends only the missing ones', async () => {
    const { sha256: pageSha256 } = await call('create', { apiUrl: local.apiUrl, token, size: SIZE });
    const hold = await holdPartsAfterFirst();
    await call('start');
    await until('s.partsUploaded.includes(1)');
    await call('pauseResume');
    await hold.release();

    const resumedFrom = requests.length;
    await call('pauseResume');
    const state = await until('s.completed');

    expect(state.error).toBeUndefined();
    const labels = labelsSince(resumedFrom);
    expect(labels).toContain('list');
    expect(labels.indexOf('list')).toBeLessThan(labels.findIndex((entry) => entry.startsWith('PUT')));
    expect(labels.filter((entry) => entry.startsWith('PUT')).sort()).toEqual(['PUT part 2', 'PUT part 3']);
    expect(labels).not.toContain('create');
    expect(await storedSha256(state.uploadId!)).toBe(pageSha256);
    expect(await record(state.uploadId!)).toMatchObject({ status: 'uploaded', size: SIZE, partCount: 3 });
  });

  it('3. removing the file mid-upload sends DELETE: the upload is cancelled and S3 forgets its parts', async () => {
    await call('create', { apiUrl: local.apiUrl, token, size: SIZE });
    const hold = await holdPartsAfterFirst();
    await call('start');
    const { uploadId } = await until('s.partsUploaded.includes(1)');
    expect(await heldParts(uploadId!)).toEqual([1]);
    const deleted = page.waitForResponse((response) => response.request().method() === 'DELETE', { timeout: BROWSER_TIMEOUT_MS });
    await call('remove');
    const answer = await deleted;
    await hold.release();

    expect(answer.status()).toBe(200);
    expect(new URL(answer.url()).pathname).toBe(`/s3/multipart/${uploadId}`);
    expect(await record(uploadId!)).toMatchObject({ status: 'cancelled' });
    await expect(heldParts(uploadId!)).rejects.toBeInstanceOf(NoSuchUpload);
  });

  it('3b. DELETE on an uploaded file changes nothing', async () => {
    const { uploadId, sha256: uploadedSha256 } = finished!;

    const answer = await callApi(local, 'DELETE', `/s3/multipart/${uploadId}?key=${uploadId}`, { token });

    expect(answer.status).toBe(409);
    expect(answer.body.message).toBe(
      `Upload ${uploadId} is uploaded; DELETE /s3/multipart only cancels an initiated upload (DELETE /uploads/${uploadId} removes it)`,
    );
    expect(await record(uploadId)).toMatchObject({ status: 'uploaded', size: SIZE });
    expect(await storedSha256(uploadId)).toBe(uploadedSha256);
  });

  it('4a. a bad token shows "Authorization required" and creates nothing', async () => {
    const from = requests.length;
    await call('create', { apiUrl: local.apiUrl, token: 'not-a-jwt', size: SIZE });
    await call('start');
    const state = await until('s.completed');

    expect(state.error).toBe('Authorization required');
    expect(labelsSince(from)).toEqual(['create']);
    const create = requests.slice(from).find((request) => label(request, local) === 'create')!;
    // Refused by the authorizer before any function ran: nothing can have been written.
    expect((await create.response())!.status()).toBe(401);
  });

  it('4a (Uppy 6). a request without the Authorization header, all Uppy 6 can send, is refused the same way', async () => {
    const from = requests.length;
    await call('create', { apiUrl: local.apiUrl, size: SIZE });
    await call('start');
    const state = await until('s.completed');

    expect(state.error).toBe('Authorization required');
    const create = requests.slice(from).find((request) => label(request, local) === 'create')!;
    expect((await create.allHeaders()).authorization).toBeUndefined();
    expect((await create.response())!.status()).toBe(401);
    expect(labelsSince(from)).toEqual(['create']);
  });

  it('4b. an unsupported type shows the 415 message and creates nothing', async () => {
    const before = (await callApi(local, 'GET', '/uploads?limit=100', { token })).body.items.length;
    await call('create', { apiUrl: local.apiUrl, token, size: 1024, name: 'notes.txt', type: 'text/plain' });
    await call('start');
    const state = await until('s.completed');

    expect(state.error).toMatch(/^Content type "text\/plain" is not accepted; accepted types are audio: audio\/mpeg, /);
    expect((await callApi(local, 'GET', '/uploads?limit=100', { token })).body.items).toHaveLength(before);
  });

  it('4c. over the size limit fails with 413: at create when the meta declares the size, at complete when it does not', async () => {
    const over = MAX_FILE_SIZE + MiB;
    const before = (await callApi(local, 'GET', '/uploads?limit=100', { token })).body.items.length;

    const strictFrom = requests.length;
    await call('create', { apiUrl: local.apiUrl, token, size: over, meta: { size: String(over) } });
    await call('start');
    const strict = await until('s.completed');
    expect(strict.error).toBe(`size ${over} bytes is over the limit of ${MAX_FILE_SIZE} bytes`);
    const strictCreate = requests.slice(strictFrom).find((request) => label(request, local) === 'create')!;
    expect((await strictCreate.response())!.status()).toBe(413);
    expect((await callApi(local, 'GET', '/uploads?limit=100', { token })).body.items).toHaveLength(before);

    const openFrom = requests.length;
    const errorsFrom = pageErrors.length;
    await call('create', { apiUrl: local.apiUrl, token, size: over });
    await call('start');
    const open = await until('s.completed');
    expect(open.error).toBe(`S3 holds ${over} bytes in 4 parts, over the limit of ${MAX_FILE_SIZE} bytes`);
    const complete = requests.slice(openFrom).find((request) => label(request, local) === 'complete')!;
    expect((await complete.response())!.status()).toBe(413);
    expect(await record(open.uploadId!)).toMatchObject({ status: 'failed', error: { code: 'TOO_LARGE' } });
    // Uppy 5 then sends DELETE, which leaves the failed upload alone (409) and which Uppy does not
    // catch: its one page error is that answer's message.
    const deleted = requests.slice(openFrom).find((request) => label(request, local) === 'delete')!;
    expect((await deleted.response())!.status()).toBe(409);
    for (let wait = 0; wait < 100 && pageErrors.length === errorsFrom; wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pageErrors.slice(errorsFrom)).toEqual([
      `Upload ${open.uploadId} is failed; DELETE /s3/multipart only cancels an initiated upload (DELETE /uploads/${open.uploadId} removes it)`,
    ]);
    pageErrors.splice(errorsFrom);
    await expect(heldParts(open.uploadId!)).rejects.toBeInstanceOf(NoSuchUpload);
  });

  it('5. a 7 MiB getChunkSize works', async () => {
    const from = requests.length;
    const { sha256: pageSha256 } = await call('create', { apiUrl: local.apiUrl, token, size: SIZE, chunkSize: 7 * MiB });
    await call('start');
    const state = await until('s.completed');

    expect(state.error).toBeUndefined();
    const puts = requests.slice(from).filter((request) => request.method() === 'PUT');
    const sizes = await Promise.all(puts.map(async (request) => Number((await request.allHeaders())['content-length'])));
    expect(sizes.sort((a, b) => b - a)).toEqual([7 * MiB, SIZE - 7 * MiB]);
    expect(await storedSha256(state.uploadId!)).toBe(pageSha256);
    expect(await record(state.uploadId!)).toMatchObject({ status: 'uploaded', size: SIZE, partSize: 7 * MiB, partCount: 2 });
    expect(pageErrors).toEqual([]);
  });

  it('6. a single PUT (shouldUseMultipart: false) with the size in the meta: GET /s3/params, one PUT signing its length that cannot replace the original, no complete', async () => {
    const from = requests.length;
    const size = 3 * MiB + 7;
    const { sha256: pageSha256 } = await call('create', { apiUrl: local.apiUrl, token, size, multipart: false, meta: { size: String(size) } });
    await call('start');
    const state = await until('s.completed');

    expect(state.error).toBeUndefined();
    expect(labelsSince(from)).toEqual(['params', 'PUT object']);
    const params = requests.slice(from).find((request) => label(request, local) === 'params')!;
    const { url, fields } = await (await params.response())!.json();
    expect(url).toContain('X-Amz-SignedHeaders=content-length%3Bhost%3Bif-none-match');
    const uploadId = fields.key as string;
    expect(await storedSha256(uploadId)).toBe(pageSha256);
    // The URL writes the original once: the same PUT again is 412, one without the signed header 403.
    const other = new Uint8Array(size).fill(7);
    const again = await fetch(url, { method: 'PUT', headers: { 'if-none-match': '*' }, body: other, signal: AbortSignal.timeout(10_000) });
    expect(again.status).toBe(412);
    const unconditional = await fetch(url, { method: 'PUT', body: other, signal: AbortSignal.timeout(10_000) });
    expect(unconditional.status).toBe(403);
    expect(await storedSha256(uploadId)).toBe(pageSha256);
    // Processing (off here) claims an initiated upload whose original has the declared size; so does complete.
    expect(await record(uploadId)).toMatchObject({ status: 'initiated', size, partCount: 1 });
    expect((await callApi(local, 'POST', `/uploads/${uploadId}/complete`, { token })).body).toMatchObject({ status: 'uploaded', size });
  });

  it('6b. a single PUT without the size is refused in words: its URL must sign the length', async () => {
    await call('create', { apiUrl: local.apiUrl, token, size: 1024, multipart: false });
    await call('start');
    const state = await until('s.completed');

    expect(state.error).toMatch(/set the file's meta size/);
  });
});
