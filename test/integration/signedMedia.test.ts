import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromCloudFrontBase64, toCloudFrontBase64 } from '../../lambdas/shared/mediaAccess/cloudFrontBase64.js';
import { grantQuery } from '../../lambdas/shared/mediaAccess/signedQuery.js';
import { signMediaGrant } from '../../lambdas/shared/mediaAccess/signMediaGrant.js';
import { LOCAL_KEY_PAIR_ID } from '../../local/media/LocalSigningKey.js';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { makeVideo } from './processFixtures.js';
import { callApi, putPart } from './support/localHttp.js';
import { CHROMIUM } from './support/chromium.js';

const execFileAsync = promisify(execFile);
/** Runs a tool; a failure carries its stderr, which says why. */
async function run(file: string, args: string[], options: { timeout: number }): Promise<{ stdout: string }> {
  try {
    return await execFileAsync(file, args, options);
  } catch (error) {
    throw new Error(`${file.split('/').pop()} failed: ${String((error as { stderr?: string }).stderr ?? error).slice(0, 2_000)}`);
  }
}
const PROCESSING_TIMEOUT_MS = 240_000;
const LIFETIME_SECONDS = 3_600;
/** The machine's ffprobe, a player of HLS over HTTP: the layer's build reads only what processing needs (no HLS demuxer). */
const FFPROBE = 'ffprobe';

let dir: string;
let local: LocalMode;
let token: string;
let uploadId: string;
let media: { hlsUrl: string; posterUrl: string; urlsExpireAt: string; renditions: { url: string }[]; thumbnails: { spriteUrl: string; vttUrl: string } };

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  dir = await mkdtemp(join(tmpdir(), 'signed-media-'));
  local = await startLocal({
    port: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    sqsPort: 0,
    mediaPort: 0,
    dataDir: join(dir, 'local-data'),
    expireIntervalSeconds: 0,
    transcoder: 'ffmpeg',
    mediaAccess: 'signed',
    signedUrlLifetimeSeconds: LIFETIME_SECONDS,
    log: silentLog,
  });
  if (!local.ffmpeg) throw new Error('This test needs an ffmpeg for processing (npm run build:ffmpeg, or ffmpeg on PATH)');
  token = await local.mintToken('viewer');

  const file = await readFile(await makeVideo(join(dir, 'clip.mp4'), { width: 640, height: 360, seconds: 4 }));
  const created = await callApi(local, 'POST', '/uploads', { token, body: { filename: 'clip.mp4', contentType: 'video/mp4', size: file.length } });
  expect(created.status).toBe(201);
  uploadId = created.body.uploadId;
  for (const { partNumber, url } of created.body.parts as { partNumber: number; url: string }[]) {
    expect((await putPart(url, file.subarray((partNumber - 1) * created.body.partSize, partNumber * created.body.partSize))).status).toBe(200);
  }
  expect((await callApi(local, 'POST', `/uploads/${uploadId}/complete`, { token })).status).toBe(200);
  const deadline = Date.now() + PROCESSING_TIMEOUT_MS;
  let status = '';
  while (Date.now() < deadline) {
    const answer = await callApi(local, 'GET', `/uploads/${uploadId}`, { token });
    status = answer.body.status;
    if (status === 'ready' || status === 'failed') {
      media = answer.body.media;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(status).toBe('ready');
});

afterAll(async () => {
  await local?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A grant signed with local mode's key, for URLs the API would not hand out (expired ones). */
async function localGrant(expiresAt: Date) {
  const privateKey = createPrivateKey(await readFile(join(dir, 'local-data', 'media-signing-key.pem'), 'utf8'));
  return signMediaGrant({ scope: `${local.mediaServerUrl}/media/${uploadId}/`, expiresAt, keyPairId: LOCAL_KEY_PAIR_ID, privateKey });
}

function unsigned(url: string): string {
  const plain = new URL(url);
  plain.search = '';
  return plain.href;
}

describe('local mode with signed media access', () => {
  it('hands out media URLs on the media server that carry a signature, and says when they expire', async () => {
    expect(local.mediaAccess).toBe('signed');
    expect(media.hlsUrl.startsWith(`${local.mediaServerUrl}/media/${uploadId}/`)).toBe(true);
    for (const url of [media.hlsUrl, media.posterUrl, ...media.renditions.map((rendition) => rendition.url)]) {
      expect(new URL(url).searchParams.get('Key-Pair-Id'), url).toBe(LOCAL_KEY_PAIR_ID);
    }
    const expiresIn = Date.parse(media.urlsExpireAt) - Date.now();
    expect(expiresIn).toBeGreaterThan((LIFETIME_SECONDS - 60) * 1000);
    expect(expiresIn).toBeLessThanOrEqual(LIFETIME_SECONDS * 1000);
  });

  it('serves the signed poster, and the master playlist with the signature on every variant', async () => {
    const poster = await fetch(media.posterUrl, { signal: AbortSignal.timeout(10_000) });
    expect(poster.status).toBe(200);
    expect(poster.headers.get('content-type')).toBe('image/jpeg');
    const master = await (await fetch(media.hlsUrl, { signal: AbortSignal.timeout(10_000) })).text();
    const variants = master.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(variants.length).toBeGreaterThan(0);
    for (const variant of variants) expect(variant).toMatch(/\.m3u8\?Policy=[^&]+&Signature=[^&]+&Key-Pair-Id=KLOCALMEDIASIGNING&grant-policy=/);
  });

  it('serves the thumbnail track with the signature on the sprite each cue names, so a player that follows the cues gets the image', async () => {
    const track = await fetch(media.thumbnails.vttUrl, { signal: AbortSignal.timeout(10_000) });
    expect(track.status).toBe(200);
    expect(track.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    const lines = (await track.text()).split('\n');
    expect(lines[0]).toBe('WEBVTT');
    const cues = lines.filter((line, index) => index > 0 && (lines[index - 1] ?? '').includes('-->'));
    expect(cues.length).toBeGreaterThan(0);
    for (const cue of cues) expect(cue).toMatch(/^sprite\.jpg\?Policy=[^&#]+&Signature=[^&#]+&Key-Pair-Id=KLOCALMEDIASIGNING#xywh=\d+,\d+,\d+,\d+$/);
    const sprite = await fetch(new URL(cues[0]!, media.thumbnails.vttUrl), { signal: AbortSignal.timeout(10_000) });
    expect(sprite.status).toBe(200);
    expect(sprite.headers.get('content-type')).toBe('image/jpeg');
    expect((await fetch(unsigned(media.thumbnails.vttUrl), { signal: AbortSignal.timeout(10_000) })).status).toBe(403);
  });

  it('plays the signed master URL in ffprobe, a native client that requests exactly the URIs the playlists list', async () => {
    const { stdout } = await run(FFPROBE, ['-v', 'error', '-show_entries', 'stream=codec_type,width,height', '-show_entries', 'format=duration', '-of', 'json', media.hlsUrl], { timeout: 60_000 });
    const probed = JSON.parse(stdout) as { streams: { codec_type: string; width?: number }[]; format: { duration: string } };
    expect(probed.streams.map((stream) => stream.codec_type)).toContain('video');
    expect(Number(probed.format.duration)).toBeGreaterThan(3);
  });

  it('plays the same URL with the same ffprobe decoding every frame of a variant, segments included', async () => {
    const variant = media.renditions[0]!.url;
    const { stdout } = await run(FFPROBE, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'json', variant], { timeout: 120_000 });
    // 4 s at 25 fps, every one decoded from segments fetched by the URIs the variant playlist lists.
    const frames = (JSON.parse(stdout) as { streams: { nb_read_frames: string }[] }).streams.map((stream) => Number(stream.nb_read_frames));
    expect(Math.max(...frames)).toBeGreaterThanOrEqual(99);
  });

  it('refuses unsigned requests with 403: the playlist, a variant, a segment, the poster', async () => {
    const master = await (await fetch(media.hlsUrl)).text();
    const variantText = await (await fetch(new URL(master.split('\n').find((line) => line.includes('.m3u8?'))!, media.hlsUrl))).text();
    const segment = new URL(variantText.split('\n').find((line) => line.includes('.ts?') || line.includes('.m4s?'))!, media.renditions[0]!.url).href;
    for (const url of [media.hlsUrl, media.renditions[0]!.url, segment, media.posterUrl]) {
      const response = await fetch(unsigned(url), { signal: AbortSignal.timeout(10_000) });
      expect(response.status, unsigned(url)).toBe(403);
      expect(await response.text()).toContain('AccessDenied');
    }
    expect((await fetch(segment)).status).toBe(200);
  });

  it('refuses a tampered policy (a later expiry, another upload) with 403', async () => {
    const url = new URL(media.posterUrl);
    const policy = fromCloudFrontBase64(url.searchParams.get('Policy')!)!.toString('utf8');
    for (const tampered of [policy.replace(/"AWS:EpochTime":\d+/, '"AWS:EpochTime":4102444800'), policy.replace(`/media/${uploadId}/`, '/media/*/')]) {
      const forged = new URL(url);
      forged.searchParams.set('Policy', toCloudFrontBase64(Buffer.from(tampered)));
      const response = await fetch(forged, { signal: AbortSignal.timeout(10_000) });
      expect(response.status, tampered).toBe(403);
      expect(await response.text()).toContain('the signature does not match the policy');
    }
  });

  it('refuses an expired URL with 403, for media and for playlists', async () => {
    const expired = await localGrant(new Date(Date.now() - 1_000));
    for (const url of [unsigned(media.posterUrl), unsigned(media.hlsUrl)]) {
      const response = await fetch(`${url}?${grantQuery(expired, url.endsWith('.m3u8'))}`, { signal: AbortSignal.timeout(10_000) });
      expect(response.status, url).toBe(403);
      expect(await response.text()).toContain('expired');
    }
  });

  it("refuses a valid signature of another upload's folder", async () => {
    const other = await fetch(media.posterUrl.replace(`/media/${uploadId}/`, '/media/another-upload/'), { signal: AbortSignal.timeout(10_000) });
    expect(other.status).toBe(403);
  });

  const skipBrowser = !existsSync(CHROMIUM) && !process.env.CI;
  describe.skipIf(skipBrowser)(`in hls.js in headless Chromium${skipBrowser ? ` (skipped: ${CHROMIUM} is missing)` : ''}`, () => {
    let browser: Browser;
    let pageServer: Server;
    let pageOrigin: string;

    beforeAll(async () => {
      const hls = await readFile(join(process.cwd(), 'node_modules/hls.js/dist/hls.min.js'), 'utf8');
      pageServer = createServer((request, response) => {
        if (request.url === '/hls.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(hls);
        else if (request.url === '/') response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><link rel="icon" href="data:,"><script src="/hls.js"></script><video muted></video>');
        else response.writeHead(404).end();
      });
      await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
      pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
    });

    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => pageServer?.close(resolve));
    });

    it('plays the signed master URL: time advances with no hls.js error', async () => {
      const page = await browser.newPage();
      await page.goto(pageOrigin);
      const outcome = await page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const video = document.querySelector('video')!;
            const Hls = (window as unknown as { Hls: any }).Hls;
            const hls = new Hls();
            const timer = setTimeout(() => resolve(`timed out at ${video.currentTime}`), 30_000);
            hls.on(Hls.Events.ERROR, (_event: unknown, data: { fatal: boolean; details: string; response?: { code: number } }) => {
              if (data.fatal) {
                clearTimeout(timer);
                resolve(`hls.js error ${data.details} ${data.response?.code ?? ''}`);
              }
            });
            hls.loadSource(url);
            hls.attachMedia(video);
            hls.on(Hls.Events.MANIFEST_PARSED, () => void video.play());
            const check = () => (video.currentTime > 0.5 ? (clearTimeout(timer), resolve('playing')) : setTimeout(check, 100));
            check();
          }),
        media.hlsUrl,
      );
      expect(outcome).toBe('playing');
      await page.close();
    });

    it('fails in hls.js on the unsigned URL (the media server refuses it)', async () => {
      const page = await browser.newPage();
      await page.goto(pageOrigin);
      const outcome = await page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const Hls = (window as unknown as { Hls: any }).Hls;
            const hls = new Hls({ manifestLoadingMaxRetry: 0 });
            const timer = setTimeout(() => resolve('no error'), 20_000);
            hls.on(Hls.Events.ERROR, (_event: unknown, data: { fatal: boolean; response?: { code: number } }) => {
              if (data.fatal) {
                clearTimeout(timer);
                resolve(`error ${data.response?.code ?? ''}`);
              }
            });
            hls.loadSource(url);
            hls.attachMedia(document.querySelector('video')!);
          }),
        unsigned(media.hlsUrl),
      );
      expect(outcome).toBe('error 403');
      await page.close();
    });
  });
});
