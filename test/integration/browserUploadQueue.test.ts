import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page, type Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMode } from '../../local/startLocal.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';
import { bundleBrowserPage } from './support/browserBundle.js';
import { type BrowserPageServer, startBrowserPageServer } from './support/browserPageServer.js';
import { CHROMIUM, CHROMIUM_ARGS } from './support/chromium.js';
import { callApi, emulatorS3, readObject } from './support/localHttp.js';
import type { PageQueueEvent, QueuePageApi } from './support/queuePage.js';

const MiB = 1024 * 1024;
/** Three parts, the last one short. */
const SIZE = 12 * MiB + 54_321;
const PART_SIZE = 5 * MiB;
/** Bounds every wait on the browser: generous for a loaded 2-core machine, never endless. */
const BROWSER_TIMEOUT_MS = 60_000;
const QUEUE_PAGE = fileURLToPath(new URL('./support/queuePage.ts', import.meta.url));

// A developer without Chromium still gets a green run; CI must never skip this silently.
const skipReason = !existsSync(CHROMIUM) && !process.env.CI ? `skipped: ${CHROMIUM} is missing (apt-get install chromium)` : undefined;
if (skipReason) console.warn(`browserUploadQueue.test.ts ${skipReason}; CI runs it`);

/** Calls the page script's API, with a bound: page.evaluate alone waits forever. */
async function inPage<K extends keyof QueuePageApi>(page: Page, name: K, args?: Parameters<QueuePageApi[K]>[0]): Promise<Awaited<ReturnType<QueuePageApi[K]>>> {
  // A string expression: a function would be serialized after vitest's transform rewrote it.
  const call = page.evaluate(`globalThis.queuePage.${name}(${args === undefined ? '' : JSON.stringify(args)})`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not settle in the page within ${BROWSER_TIMEOUT_MS} ms`)), BROWSER_TIMEOUT_MS);
  });
  try {
    return (await Promise.race([call, timeout])) as Awaited<ReturnType<QueuePageApi[K]>>;
  } finally {
    clearTimeout(timer);
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe.skipIf(skipReason !== undefined)(`the SDK's upload queue in headless Chromium${skipReason ? ` (${skipReason})` : ''}`, () => {
  let testLocal: TestLocal;
  let dir: string;
  let local: LocalMode;
  let token: string;
  let s3: S3Client;
  let pageServer: BrowserPageServer;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  /** Part numbers of the part PUTs the page made, in order. */
  const partsPut: number[] = [];
  /** PUTs of part 2 held by the route below, never answered: the part is in flight when the page reloads or goes offline. */
  const held: Route[] = [];
  let holdPartTwo = false;

  const partNumberOf = (url: string) => Number(new URL(url).searchParams.get('partNumber'));
  const isPartPut = (url: string, method: string) => method === 'PUT' && url.startsWith(`${local.s3Endpoint}/`) && new URL(url).searchParams.has('partNumber');

  async function loadPage(): Promise<void> {
    await page.goto(`${pageServer.origin}/`);
    await page.waitForFunction('globalThis.queuePage !== undefined').catch((error: Error) => {
      throw new Error(`the page script did not load: ${pageErrors.join('; ') || error.message}`);
    });
  }

  async function releaseHeld(): Promise<void> {
    holdPartTwo = false;
    // The request died with its page or its fetch: there is nothing left to answer.
    for (const route of held.splice(0)) await route.abort().catch(() => undefined);
  }

  async function heldParts(uploadId: string): Promise<number[]> {
    const upload = await callApi(local, 'GET', `/uploads/${uploadId}`, { token });
    return (upload.body.uploadedParts as { partNumber: number }[]).map((part) => part.partNumber);
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`CI is set but ${CHROMIUM} is missing: .ci/run installs the chromium package`);
    testLocal = await startTestLocal('browser-queue', {
      processUploads: false,
    });
    ({ local, dir } = testLocal);
    token = await local.mintToken('browser-queue-it');
    s3 = emulatorS3(local);
    pageServer = await startBrowserPageServer((await bundleBrowserPage(QUEUE_PAGE)).code);

    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: BROWSER_TIMEOUT_MS,
    });
    context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
    await context.route(
      (url) => url.searchParams.get('partNumber') === '2',
      async (route) => {
        if (holdPartTwo && route.request().method() === 'PUT') held.push(route);
        else await route.continue();
      },
    );
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => {
      if (isPartPut(request.url(), request.method())) partsPut.push(partNumberOf(request.url()));
    });
  });

  afterAll(async () => {
    await context?.close();
    await pageServer?.close();
    s3?.destroy();
    await testLocal?.stop();
  });

  it('resumes after the page reloads mid-upload from the File kept in IndexedDB, sending only the parts S3 lacks', async () => {
    await loadPage();
    await inPage(page, 'open', { apiUrl: local.apiUrl, token });
    holdPartTwo = true;
    partsPut.length = 0;

    const { item, sha256: pageSha } = await inPage(page, 'add', { size: SIZE, partSize: PART_SIZE });
    await expect.poll(() => held.length, { timeout: BROWSER_TIMEOUT_MS }).toBe(1);
    const uploadId = (await inPage(page, 'events')).find((event) => event.uploadId !== undefined)?.uploadId as string;
    expect(await heldParts(uploadId)).toEqual([1]);

    await page.reload();
    await releaseHeld();
    await page.waitForFunction('globalThis.queuePage !== undefined');
    partsPut.length = 0;
    const restored = await inPage(page, 'open', { apiUrl: local.apiUrl, token });
    const left = await inPage(page, 'whenIdle');

    expect(restored).toMatchObject([{ id: item.id, uploadId, filename: 'clip.mp4', size: SIZE, state: 'queued' }]);
    expect(left).toEqual([]);
    expect(partsPut).toEqual([2, 3]);
    const events = await inPage(page, 'events');
    expect(events.filter((event) => event.type === 'state').map((event) => event.state)).toEqual(['queued', 'uploading', 'uploaded']);
    expect(events.filter((event) => event.type === 'storeError')).toEqual([]);
    expect(sha256(await readObject(s3, local.uploadsBucket, `uploads/${uploadId}/source`))).toBe(pageSha);
    expect(pageErrors).toEqual([]);
  });

  it('pauses when the browser goes offline and, back online, sends only the parts S3 lacks', async () => {
    await loadPage();
    await inPage(page, 'open', { apiUrl: local.apiUrl, token });
    holdPartTwo = true;
    partsPut.length = 0;

    const { sha256: pageSha } = await inPage(page, 'add', { size: SIZE, partSize: PART_SIZE });
    await expect.poll(() => held.length, { timeout: BROWSER_TIMEOUT_MS }).toBe(1);
    await context.setOffline(true);
    await page.waitForFunction(`globalThis.queuePage.events().some((event) => event.state === 'paused')`);
    await releaseHeld();
    const events = await inPage(page, 'events');
    const uploadId = events.find((event) => event.uploadId !== undefined)?.uploadId as string;
    expect(events.filter((event) => event.type === 'network')).toEqual([{ type: 'network', online: false }]);
    expect(await heldParts(uploadId)).toEqual([1]);
    expect(partsPut).toEqual([1, 2]);

    await context.setOffline(false);
    const left = await inPage(page, 'whenIdle');

    expect(left).toEqual([]);
    expect(partsPut).toEqual([1, 2, 2, 3]);
    const states = (await inPage(page, 'events')).filter((event: PageQueueEvent) => event.type === 'state').map((event) => event.state);
    expect(states).toEqual(['queued', 'uploading', 'uploading', 'paused', 'queued', 'uploading', 'uploaded']);
    expect(sha256(await readObject(s3, local.uploadsBucket, `uploads/${uploadId}/source`))).toBe(pageSha);
    expect(pageErrors).toEqual([]);
  });
});
