/**
 * Time to a poster straight from a presigned URL for a ~500 MB video served by local mode's S3
 * emulator, and the bytes ffmpeg actually read to make it: the probe and the poster must read a
 * small part of the file (range requests), never all of it. Bytes are counted by a loopback
 * proxy between ffmpeg and the emulator (the URL is signed for the proxy's host, so the
 * emulator's signature check passes). Baseline in the same run: a plain GET of the whole
 * object through the same proxy, which is what download-then-process would cost at least.
 *
 * The video is made cheaply: 10 s of 1080p at a constant 40 Mbit/s, concatenated ten times
 * without re-encoding (100 s, index at the end like most camera files), in a temp folder.
 *
 *   npx tsx bench/poster.ts
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ffmpegBinaries } from '../layers/ffmpeg/ffmpegBinaries.js';
import { silentLog } from '../local/localLog.js';
import { startLocal } from '../local/startLocal.js';
import { describeMedia } from '../lambdas/shared/media/mediaFacts.js';
import { posterArgs, posterTime } from '../lambdas/shared/media/posterArgs.js';
import { probeMedia } from '../lambdas/shared/media/probeMedia.js';
import { runFfmpeg } from '../lambdas/shared/media/runFfmpeg.js';

const exec = promisify(execFile);
const HOUR_MS = 3_600_000;
const KEY = 'bench/large-video.mp4';

interface Counter {
  bytes: number;
  requests: number;
}

/** A loopback HTTP proxy to `target` that counts response body bytes and requests. */
async function countingProxy(targetPort: number, counter: Counter): Promise<Server> {
  const server = createServer((req, res) => {
    counter.requests += 1;
    const upstream = request({ host: '127.0.0.1', port: targetPort, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk: Buffer) => {
        counter.bytes += chunk.length;
      });
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    // A reader that closes early (ffmpeg seeking) must not keep the emulator streaming.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function makeLargeVideo(dir: string): Promise<string> {
  const chunk = join(dir, 'chunk.mp4');
  const list = join(dir, 'list.txt');
  const output = join(dir, 'large.mp4');
  const ff = (...a: string[]) => exec('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...a]);
  await ff(
    '-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30:duration=10',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=10',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    '-b:v', '40M', '-minrate', '40M', '-maxrate', '40M', '-bufsize', '20M', '-x264-params', 'nal-hrd=cbr',
    '-c:a', 'aac', '-shortest', chunk,
  );
  await writeFile(list, Array.from({ length: 10 }, () => `file '${chunk}'`).join('\n'));
  await ff('-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', output);
  return output;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-poster-'));
  const local = await startLocal({ port: 0, s3Port: 0, dynamoDbPort: 0, sqsPort: 0, dataDir: join(dir, 'local'), expireIntervalSeconds: 0, log: silentLog });
  const counter: Counter = { bytes: 0, requests: 0 };
  const proxy = await countingProxy(Number(new URL(local.s3Endpoint).port), counter);
  const proxyEndpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const client = (endpoint: string) =>
    new S3Client({
      endpoint,
      region: local.region,
      credentials: local.credentials,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  const direct = client(local.s3Endpoint);
  const viaProxy = client(proxyEndpoint);
  try {
    process.stdout.write('generating a ~500 MB video… ');
    const file = await makeLargeVideo(dir);
    const { size } = await stat(file);
    await direct.send(new PutObjectCommand({ Bucket: local.uploadsBucket, Key: KEY, Body: createReadStream(file), ContentLength: size }));
    console.log(`${mb(size)} in the emulator`);
    const url = await getSignedUrl(viaProxy, new GetObjectCommand({ Bucket: local.uploadsBucket, Key: KEY }), { expiresIn: 3600 });

    const measure = async (work: () => Promise<unknown>) => {
      counter.bytes = 0;
      counter.requests = 0;
      const start = performance.now();
      await work();
      return { ms: performance.now() - start, bytes: counter.bytes, requests: counter.requests };
    };

    const download = await measure(async () => {
      const { Body } = await viaProxy.send(new GetObjectCommand({ Bucket: local.uploadsBucket, Key: KEY }));
      for await (const _chunk of Body as AsyncIterable<Uint8Array>) {
        // Drain: a download-first processor would write this to /tmp.
      }
    });

    const [layerFfmpeg, layerFfprobe] = ffmpegBinaries();
    const builds = [
      { name: 'system ffmpeg 5.1', ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' },
      { name: 'layer ffmpeg 4.1', ffmpeg: layerFfmpeg?.path as string, ffprobe: layerFfprobe?.path as string },
    ];
    const rows: string[][] = [['whole-file GET (baseline)', '', mb(download.bytes), `${((download.bytes / size) * 100).toFixed(1)}%`, String(download.requests), `${(download.ms / 1000).toFixed(2)} s`]];
    for (const build of builds) {
      let duration: number | undefined;
      let width = 0;
      let height = 0;
      const probe = await measure(async () => {
        const facts = describeMedia(await probeMedia(url, { ffprobe: build.ffprobe, timeoutMs: HOUR_MS }));
        duration = facts.durationSeconds;
        width = facts.width ?? 0;
        height = facts.height ?? 0;
      });
      rows.push([build.name, 'probe', mb(probe.bytes), `${((probe.bytes / size) * 100).toFixed(2)}%`, String(probe.requests), `${(probe.ms / 1000).toFixed(2)} s`]);
      for (const atSeconds of [posterTime(duration), 90]) {
        const output = join(dir, `poster-${atSeconds}.jpg`);
        const poster = await measure(() =>
          runFfmpeg(posterArgs({ input: url, output, videoStreamIndex: 0, atSeconds, width, height }), {
            ffmpeg: build.ffmpeg,
            step: 'the poster',
            timeoutMs: HOUR_MS,
          }),
        );
        const { size: jpeg } = await stat(output);
        rows.push([
          build.name,
          `poster at ${atSeconds} s (${(jpeg / 1000).toFixed(0)} KB JPEG)`,
          mb(poster.bytes),
          `${((poster.bytes / size) * 100).toFixed(2)}%`,
          String(poster.requests),
          `${(poster.ms / 1000).toFixed(2)} s`,
        ]);
      }
    }
    const header = ['reader', 'step', 'bytes read', 'of file', 'requests', 'wall'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ');
    console.log('');
    console.log(line(header));
    for (const row of rows) console.log(line(row));
  } finally {
    direct.destroy();
    viaProxy.destroy();
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
    await local.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
