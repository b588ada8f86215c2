import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOnlyLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { makeAudio, makeImage, makeVideo } from './processFixtures.js';
import { CHROMIUM, CHROMIUM_ARGS } from './support/chromium.js';

const DEMO_CHROMIUM_ARGS = [
  ...CHROMIUM_ARGS,
  // The test starts playback itself, as a person's click would.
  '--autoplay-policy=no-user-gesture-required',
];
/** Bounds every wait on the page; processing a 720p ladder on a loaded 2-core machine is the longest. */
const BROWSER_TIMEOUT_MS = 30_000;
const PROCESSING_TIMEOUT_MS = 240_000;
/** Screenshots of each state: test-output/demoPage/ (git-ignored), or under TEST_OUTPUT_DIR. */
const OUTPUT_DIR = join(resolve(process.env.TEST_OUTPUT_DIR ?? 'test-output'), 'demoPage');

const skipReason = !existsSync(CHROMIUM) && !process.env.CI ? `skipped: ${CHROMIUM} is missing (apt-get install chromium)` : undefined;
if (skipReason) console.warn(`demoPage.test.ts ${skipReason}; CI runs it`);

describe.skipIf(skipReason !== undefined)(`the demo page in headless Chromium${skipReason ? ` (${skipReason})` : ''}`, () => {
  let dir: string;
  let local: LocalMode;
  let token: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const files: Record<'video' | 'audio' | 'image', string> = { video: '', audio: '', image: '' };

  function watchErrors(target: Page): void {
    target.on('pageerror', (error) => pageErrors.push(error.message));
    target.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }

  async function screenshot(target: Page, name: string): Promise<void> {
    await target.screenshot({ path: join(OUTPUT_DIR, `${name}.png`), fullPage: true });
  }

  function card(target: Page, kind: string): Locator {
    return target.locator(`.upload[data-kind="${kind}"]`);
  }

  /** Starts playback and waits, bounded, until the element's time has moved on. */
  async function expectPlays(media: Locator): Promise<void> {
    await media.evaluate((element: HTMLMediaElement) => element.play());
    await media.evaluate(
      (element: HTMLMediaElement, timeoutMs: number) =>
        new Promise<void>((resolvePlaying, reject) => {
          const timer = setTimeout(() => reject(new Error(`currentTime stayed at ${element.currentTime}`)), timeoutMs);
          const check = () => {
            if (element.currentTime > 0.5) {
              clearTimeout(timer);
              resolvePlaying();
            } else setTimeout(check, 100);
          };
          check();
        }),
      BROWSER_TIMEOUT_MS,
    );
    expect(await media.getAttribute('data-hls-error')).toBeNull();
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`CI is set but ${CHROMIUM} is missing: .ci/run installs the chromium package`);
    dir = await mkdtemp(join(tmpdir(), 'demo-page-'));
    await mkdir(OUTPUT_DIR, { recursive: true });
    local = await startLocal({
      port: 0,
      s3Port: 0,
      dynamoDbPort: 0,
      sqsPort: 0,
      dataDir: join(dir, 'local-data'),
      expireIntervalSeconds: 0,
      log: errorsOnlyLog,
    });
    if (!local.ffmpeg) throw new Error('This test needs an ffmpeg for processing (npm run build:ffmpeg, or ffmpeg on PATH)');
    token = await local.mintToken('demo-it');
    files.video = await makeVideo(join(dir, 'talk.mp4'), { width: 1280, height: 720, seconds: 4 });
    // A tone that swells and fades, so the waveform has a shape to draw.
    files.audio = await makeAudio(join(dir, 'tune.mp3'), 4, ['-af', "volume='0.15+0.85*abs(sin(PI*t/1.6))':eval=frame", '-c:a', 'libmp3lame', '-b:a', '128k']);
    files.image = await makeImage(join(dir, 'picture.png'), 1600, 900);

    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: DEMO_CHROMIUM_ARGS,
      timeout: BROWSER_TIMEOUT_MS,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
    page = context.pages()[0] ?? (await context.newPage());
    watchErrors(page);
  });

  afterAll(async () => {
    await context?.close();
    await local?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('signs in with the token in the address it is opened with, and drops the token from the address bar', async () => {
    await page.goto(`${local.apiUrl}/#token=${token}`);
    await page.locator('#app').waitFor({ state: 'visible' });

    expect(await page.locator('#who').textContent()).toBe(`Signed in as demo-it · ${local.apiUrl}`);
    expect(new URL(page.url()).hash).toBe('');
    await page.locator('.uppy-Dashboard').waitFor({ state: 'visible' });
    await screenshot(page, '1-signed-in');
  });

  it('uploads a video, an mp3 and a PNG through the picker and follows each to ready on screen', async () => {
    await page.locator('input.uppy-Dashboard-input[name="files[]"]:not([webkitdirectory])').setInputFiles([files.video, files.audio, files.image]);
    await page.waitForFunction(() => document.querySelectorAll('.upload').length === 3, undefined, { timeout: BROWSER_TIMEOUT_MS });
    await page.waitForFunction(() => document.querySelector('.upload[data-status="processing"], .upload[data-status="uploaded"]') !== null, undefined, {
      timeout: PROCESSING_TIMEOUT_MS,
    });
    await screenshot(page, '2-processing');

    await page.waitForFunction(() => document.querySelectorAll('.upload[data-status="ready"]').length === 3, undefined, { timeout: PROCESSING_TIMEOUT_MS });
    for (const kind of ['video', 'audio', 'image']) expect(await card(page, kind).locator('.status').textContent()).toBe('Ready');
    expect(await page.locator('#live').textContent()).toBe('live');
    await screenshot(page, '3-ready');
  });

  it('plays the video with hls.js: time advances, no hls.js error, the 720p ladder listed, a thumbnail on hover', async () => {
    const video = card(page, 'video');
    await expectPlays(video.locator('video.player'));
    const levels = await video.locator('.levels button').allTextContents();
    expect(levels[0]).toBe('Auto');
    expect(levels.slice(1).map((label) => label.split(' ')[0])).toEqual(expect.arrayContaining(['240p', '720p']));
    expect(levels.length - 1).toBeGreaterThanOrEqual(2);

    const scrub = video.locator('.scrub');
    const box = (await scrub.boundingBox())!;
    await scrub.hover({ position: { x: box.width * 0.6, y: box.height / 2 } });
    const thumbnail = video.locator('.thumbnail');
    await thumbnail.waitFor({ state: 'visible' });
    expect(await thumbnail.evaluate((element: HTMLElement) => element.style.backgroundImage)).toMatch(/sprite/);
    await screenshot(page, '4-video-playing');
  });

  it('plays the audio and draws its waveform', async () => {
    const audio = card(page, 'audio');
    await expectPlays(audio.locator('audio.player'));
    const canvas = audio.locator('canvas.waveform[data-drawn="true"]');
    await canvas.waitFor({ state: 'attached' });
    const inked = await canvas.evaluate((element: HTMLCanvasElement) => {
      const { data } = element.getContext('2d')!.getImageData(0, 0, element.width, element.height);
      let count = 0;
      for (let index = 3; index < data.length; index += 4) if (data[index]! > 0) count += 1;
      return count;
    });
    expect(inked).toBeGreaterThan(100);
    await audio.scrollIntoViewIfNeeded();
    await screenshot(page, '5-audio-playing');
  });

  it("shows the image's variants, each loaded", async () => {
    const images = card(page, 'image').locator('img.variant');
    await page.waitForFunction(
      () => [...document.querySelectorAll<HTMLImageElement>('img.variant')].every((image) => image.complete && image.naturalWidth > 0),
      undefined,
      { timeout: BROWSER_TIMEOUT_MS },
    );
    const widths = await images.evaluateAll((elements: HTMLImageElement[]) => elements.map((image) => image.naturalWidth));
    expect(widths).toEqual(expect.arrayContaining([320, 640, 1280]));
    await card(page, 'image').scrollIntoViewIfNeeded();
    await screenshot(page, '6-image-variants');
    expect(pageErrors).toEqual([]);
  });

  it('works at a phone viewport (390×844): the same uploads, nothing wider than the screen, the video plays', async () => {
    const phone = await context.newPage();
    watchErrors(phone);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${local.apiUrl}/`);
    await phone.waitForFunction(() => document.querySelectorAll('.upload[data-status="ready"]').length === 3, undefined, { timeout: BROWSER_TIMEOUT_MS });

    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectPlays(card(phone, 'video').locator('video.player'));
    await screenshot(phone, '7-phone');
    await phone.close();
    expect(pageErrors).toEqual([]);
  });

  it('deletes a finished upload from the page, and shows an API error in words', async () => {
    const image = card(page, 'image');
    await image.locator('button.action').click();
    await page.waitForFunction(() => document.querySelector('.upload[data-kind="image"]') === null, undefined, { timeout: BROWSER_TIMEOUT_MS });
    expect(await page.locator('.upload').count()).toBe(2);

    // A token the API refuses: the page says so in words and offers to sign in again.
    await page.evaluate(() => localStorage.setItem('media-pipeline-demo-session', JSON.stringify({ apiUrl: location.origin, token: 'expired' })));
    await page.reload();
    await page.locator('#sign-in').waitFor({ state: 'visible' });
    expect(await page.locator('#notice').textContent()).toBe('The API did not accept the token (expired or for another stack): sign in again.');
    await screenshot(page, '8-signed-out');
  });
});
