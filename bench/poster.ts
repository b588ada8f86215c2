/**
 * Time to a poster for a ~500 MB video in local mode's S3 emulator, read as the function reads
 * it (through a SourceServer, ranged GetObject calls), and the bytes ffmpeg actually read to
 * make it: the probe and the poster must read a small part of the file (range requests), never
 * all of it. The SourceServer counts the bytes it serves. Baseline in the same run: a plain GET
 * of the whole object through the same server, which is what download-then-process would cost
 * at least. arm64 runs under qemu on an x86_64 machine: its bytes are real, its times are not.
 *
 * The video is made cheaply: 10 s of 1080p at a constant 40 Mbit/s, concatenated ten times
 * without re-encoding (100 s, index at the end like most camera files), in a temp folder.
 *
 *   npx tsx bench/poster.ts
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SourceServer } from '../lambdas/process-upload/source/SourceServer.js';
import { silentLog } from '../local/localLog.js';
import { startLocal } from '../local/startLocal.js';
import { describeMedia } from '../lambdas/process-upload/probe/mediaFacts.js';
import { posterArgs } from '../lambdas/process-upload/ffmpeg/posterArgs.js';
import { posterTime } from '../lambdas/process-upload/plan/posterTime.js';
import { probeMedia } from '../lambdas/process-upload/probe/probeMedia.js';
import { runFfmpeg } from '../lambdas/process-upload/ffmpeg/runFfmpeg.js';
import { acceptedDemuxer } from '../lambdas/process-upload/probe/sourceInput.js';
import { layerFfmpeg } from '../test/integration/support/layerFfmpeg.js';

const exec = promisify(execFile);
const HOUR_MS = 3_600_000;
const KEY = 'bench/large-video.mp4';

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
  const s3 = new S3Client({
    endpoint: local.s3Endpoint,
    region: local.region,
    credentials: local.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  let source: SourceServer | undefined;
  try {
    process.stdout.write('generating a ~500 MB video… ');
    const file = await makeLargeVideo(dir);
    const { size } = await stat(file);
    await s3.send(new PutObjectCommand({ Bucket: local.uploadsBucket, Key: KEY, Body: createReadStream(file), ContentLength: size }));
    console.log(`${mb(size)} in the emulator`);
    const server = await SourceServer.start({ s3, bucket: local.uploadsBucket, key: KEY });
    source = server;

    const measure = async (work: () => Promise<unknown>) => {
      const before = server.served;
      const start = performance.now();
      await work();
      const after = server.served;
      return { ms: performance.now() - start, bytes: after.bytes - before.bytes, requests: after.requests - before.requests };
    };

    const download = await measure(async () => {
      // A download-first processor would write all of this to /tmp.
      await (await fetch(server.url)).arrayBuffer();
    });

    const builds: { name: string; ffmpeg: string; ffprobe: string }[] = [{ name: "machine's ffmpeg", ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }];
    for (const arch of ['x86_64', 'arm64'] as const) {
      const layer = layerFfmpeg(arch);
      if ('missing' in layer) console.log(`layer ${arch}: not measured (${layer.missing})`);
      else builds.push({ name: `layer ${arch}${layer.emulated ? ' (qemu)' : ''}`, ffmpeg: layer.ffmpeg, ffprobe: layer.ffprobe });
    }
    const rows: string[][] = [['whole-file GET (baseline)', '', mb(download.bytes), `${((download.bytes / size) * 100).toFixed(1)}%`, String(download.requests), `${(download.ms / 1000).toFixed(2)} s`]];
    for (const build of builds) {
      let duration: number | undefined;
      let width = 0;
      let height = 0;
      let demuxer = '';
      const probe = await measure(async () => {
        const facts = describeMedia(await probeMedia(server.url, { ffprobe: build.ffprobe, timeoutMs: HOUR_MS }));
        duration = facts.durationSeconds;
        width = facts.width ?? 0;
        height = facts.height ?? 0;
        demuxer = acceptedDemuxer(facts.formatName, 'video') ?? '';
      });
      rows.push([build.name, 'probe', mb(probe.bytes), `${((probe.bytes / size) * 100).toFixed(2)}%`, String(probe.requests), `${(probe.ms / 1000).toFixed(2)} s`]);
      for (const atSeconds of [posterTime(duration), 90]) {
        const output = join(dir, `poster-${atSeconds}.jpg`);
        const poster = await measure(() =>
          runFfmpeg(posterArgs({ source: { url: server.url, demuxer }, output, videoStreamIndex: 0, atSeconds, width, height }), {
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
    await source?.close();
    s3.destroy();
    await local.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
