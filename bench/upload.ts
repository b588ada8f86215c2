/**
 * Upload throughput and client memory: a 1 GiB file through the client SDK (parallel part
 * PUTs) against local mode, and the same bytes as one streamed PutObject to the same S3
 * emulator in the same run (the baseline). The SDK runs twice, with end-to-end checksums on (its
 * default: each part hashed with CRC-32C as it is read, its URL signed per part, S3 verifying
 * parts and the whole file) and off, so their ratio shows what integrity costs (goal: on ≥ 0.9×
 * off). A further run sends the SDK's parts to a server that
 * discards them, which shows what the client itself can push, apart from the emulator. Each
 * transfer runs in a child process that does nothing else, so its peak RSS is the client's
 * own and it does not share an event loop with the emulator. Each row also shows the CPU time
 * the transfer cost the client and local mode (API handlers, S3 and DynamoDB emulators, and local
 * S3's checksum verification, which AWS does on its own machines): on a busy machine the
 * throughput follows the CPU time, so the load average is printed with the figures.
 *
 *   npx tsx bench/upload.ts [--size-mib 1024] [--concurrency 4]
 *
 * Loopback only; the file and local mode's data are written to a temp dir and deleted after.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { availableParallelism as availableCpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient } from '../client/index.js';
import { openFileSource } from '../client/node/fileSource.js';
import { errorsOnlyLog } from '../local/localLog.js';
import { startLocal } from '../local/startLocal.js';

const MiB = 1024 * 1024;
const CHILD_TIMEOUT_MS = 10 * 60_000;

/** What a child reports on stdout. */
interface TransferFigures {
  readonly seconds: number;
  readonly maxRssMiB: number;
  readonly peakHeapMiB: number;
  readonly startRssMiB: number;
  readonly parts?: number;
  readonly partSizeMiB?: number;
  /** Until S3 held every part; the rest is `complete`. */
  readonly partsSeconds?: number;
  /** `POST /uploads/{id}/parts` requests the SDK made. */
  readonly signRequests?: number;
  /** CPU time (user + system) the transfer cost its own process. */
  readonly cpuSeconds: number;
  /** CPU time local mode's process (API, S3 and DynamoDB emulators) spent meanwhile: set by the parent. */
  readonly serverCpuSeconds?: number;
}

interface ChildSettings {
  readonly file: string;
  readonly apiUrl: string;
  readonly token: string;
  readonly concurrency: number;
  readonly s3Endpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** End-to-end checksums on the SDK's uploads. */
  readonly checksums: boolean;
}

const role = process.argv[2];
if (role === 'sdk-child' || role === 'put-child') {
  const settings = JSON.parse(process.env.BENCH_SETTINGS as string) as ChildSettings;
  const figures = role === 'sdk-child' ? await sdkUpload(settings) : await singlePut(settings);
  process.stdout.write(JSON.stringify(figures));
} else {
  await main();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'size-mib': { type: 'string' }, concurrency: { type: 'string' } } });
  const size = Number(values['size-mib'] ?? 1024) * MiB;
  const concurrency = Number(values.concurrency ?? 4);
  const dir = await mkdtemp(join(tmpdir(), 'bench-upload-'));
  try {
    const file = join(dir, 'source.bin');
    console.log(`Writing a ${size / MiB} MiB file…`);
    await writeRandomFile(file, size);

    const local = await startLocal({
      port: 0,
      s3Port: 0,
      dynamoDbPort: 0,
      sqsPort: 0,
      dataDir: join(dir, 'local-data'),
      expireIntervalSeconds: 0,
      log: errorsOnlyLog,
      processUploads: false,
    });
    try {
      const settings: ChildSettings = {
        file,
        apiUrl: local.apiUrl,
        token: await local.mintToken('bench-upload'),
        concurrency,
        s3Endpoint: local.s3Endpoint,
        bucket: local.uploadsBucket,
        region: local.region,
        accessKeyId: local.credentials.accessKeyId,
        secretAccessKey: local.credentials.secretAccessKey,
        checksums: false,
      };
      // The machine's load moves these figures: it is printed with them.
      const loadAtStart = loadavg()[0] as number;
      const single = await runChild('put-child', settings);
      const sdk = await runChild('sdk-child', settings);
      const sdkChecksums = await runChild('sdk-child', { ...settings, checksums: true });
      const discard = await startDiscardApi(size);
      let ceiling: TransferFigures;
      try {
        ceiling = await runChild('sdk-child', { ...settings, apiUrl: discard.url });
      } finally {
        discard.server.close();
      }
      report(size, concurrency, sdk, single, ceiling, sdkChecksums);
      console.log(`1-minute load average: ${loadAtStart.toFixed(1)} at start, ${(loadavg()[0] as number).toFixed(1)} at end (${availableCpus()} CPUs)`);
    } finally {
      await local.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Random bytes (so nothing on the way can compress them), written 8 MiB at a time. */
async function writeRandomFile(path: string, size: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    const chunk = Buffer.allocUnsafe(8 * MiB);
    for (let written = 0; written < size; written += chunk.length) {
      randomFillSync(chunk);
      await handle.write(chunk, 0, Math.min(chunk.length, size - written));
    }
  } finally {
    await handle.close();
  }
}

/**
 * Just enough of the API for one upload, with part URLs that point back at itself; part
 * bodies are read and dropped.
 */
async function startDiscardApi(size: number): Promise<{ server: Server; url: string }> {
  const partSize = 8 * MiB;
  const partCount = Math.ceil(size / partSize);
  const server = createServer((request, response) => {
    request.on('data', () => undefined);
    request.on('end', () => {
      const { port } = server.address() as AddressInfo;
      const base = `http://127.0.0.1:${port}`;
      const record = { uploadId: 'discard', status: 'uploaded', size, partSize, partCount };
      response.setHeader('content-type', 'application/json');
      if (request.method === 'PUT') {
        response.setHeader('etag', '"discarded"');
        response.end();
      } else if (request.url === '/uploads') {
        const expires = new Date(Date.now() + 3_600_000).toISOString();
        const parts = Array.from({ length: partCount }, (_, index) => ({ partNumber: index + 1, url: `${base}/part?partNumber=${index + 1}` }));
        response.statusCode = 201;
        response.end(JSON.stringify({ ...record, status: 'initiated', parts, expiresAt: expires, partUrlsExpireAt: expires }));
      } else {
        response.end(JSON.stringify(record));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Runs one transfer in a child process and adds what local mode (this process) spent on it. */
async function runChild(role: 'sdk-child' | 'put-child', settings: ChildSettings): Promise<TransferFigures> {
  const cpuBefore = process.cpuUsage();
  const figures = await childFigures(role, settings);
  const cpu = process.cpuUsage(cpuBefore);
  return { ...figures, serverCpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

function childFigures(role: 'sdk-child' | 'put-child', settings: ChildSettings): Promise<TransferFigures> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), role],
      { env: { ...process.env, BENCH_SETTINGS: JSON.stringify(settings) }, timeout: CHILD_TIMEOUT_MS, maxBuffer: MiB },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${role} failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as TransferFigures);
      },
    );
  });
}

/** Samples heap and RSS while `transfer` runs; maxRSS also catches peaks between samples. */
async function measured(transfer: () => Promise<Pick<TransferFigures, 'parts' | 'partSizeMiB' | 'partsSeconds' | 'signRequests'>>): Promise<TransferFigures> {
  const startRss = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  let peakHeap = 0;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 20);
  const started = performance.now();
  try {
    const extra = await transfer();
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      seconds,
      maxRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB,
      peakHeapMiB: peakHeap / MiB,
      startRssMiB: startRss / MiB,
      ...extra,
    };
  } finally {
    clearInterval(sampler);
  }
}

async function sdkUpload(settings: ChildSettings): Promise<TransferFigures> {
  let signRequests = 0;
  const client = createClient({
    apiUrl: settings.apiUrl,
    token: settings.token,
    fetch: (input, init) => {
      if (init?.method === 'POST' && String(input).endsWith('/parts')) signRequests += 1;
      return globalThis.fetch(input, init);
    },
  });
  const source = await openFileSource(settings.file, { type: 'video/mp4' });
  try {
    return await measured(async () => {
      let parts = 0;
      let partSize = 0;
      let partsSentAt = 0;
      const started = performance.now();
      const record = await client.upload(source, {
        filename: 'bench.mp4',
        concurrency: settings.concurrency,
        checksums: settings.checksums,
        onCreated: (created) => {
          parts = created.partCount;
          partSize = created.partSize;
        },
        onProgress: (progress) => {
          if (progress.partsDone === progress.partCount) partsSentAt = performance.now();
        },
      });
      if (record.status !== 'uploaded') throw new Error(`Upload ended ${record.status}`);
      return { parts, partSizeMiB: partSize / MiB, partsSeconds: (partsSentAt - started) / 1000, signRequests };
    });
  } finally {
    await source.close();
  }
}

/** The baseline: one PutObject streaming the file, outside `uploads/` so nothing processes it. */
async function singlePut(settings: ChildSettings): Promise<TransferFigures> {
  const s3 = new S3Client({
    endpoint: settings.s3Endpoint,
    region: settings.region,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const { size } = await stat(settings.file);
  return measured(async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: settings.bucket,
        Key: 'bench/single-put',
        Body: createReadStream(settings.file, { highWaterMark: MiB }),
        ContentLength: size,
      }),
    );
    return {};
  });
}

function report(
  size: number,
  concurrency: number,
  sdk: TransferFigures,
  single: TransferFigures,
  ceiling: TransferFigures,
  sdkChecksums: TransferFigures,
): void {
  const rate = (figures: TransferFigures) => size / MiB / figures.seconds;
  const row = (name: string, figures: TransferFigures) =>
    `${name.padEnd(34)} ${figures.seconds.toFixed(2).padStart(7)} s ${rate(figures).toFixed(1).padStart(8)} MiB/s` +
    `   peak RSS ${figures.maxRssMiB.toFixed(0).padStart(4)} MiB (${figures.startRssMiB.toFixed(0)} at start), peak heap ${figures.peakHeapMiB.toFixed(0).padStart(3)} MiB` +
    `   CPU ${figures.cpuSeconds.toFixed(1).padStart(5)} s client, ${(figures.serverCpuSeconds ?? 0).toFixed(1).padStart(5)} s local mode`;
  console.log(`\nUpload of ${size / MiB} MiB to local mode (loopback)`);
  console.log(row('single-stream PutObject (baseline)', single));
  console.log(row(`SDK, ${sdk.parts} × ${sdk.partSizeMiB} MiB parts, ${concurrency} in flight`, sdk));
  console.log(row('SDK with checksums (CRC-32C)', sdkChecksums));
  console.log(row('SDK to a discarding server', ceiling));
  for (const [name, figures] of [['SDK', sdk], ['SDK with checksums', sdkChecksums]] as const) {
    if (figures.partsSeconds === undefined) continue;
    console.log(
      `${name} phases: parts ${figures.partsSeconds.toFixed(2)} s, complete ${(figures.seconds - figures.partsSeconds).toFixed(2)} s; ` +
        `${figures.signRequests ?? 0} signing requests`,
    );
  }
  console.log(`SDK / baseline throughput: ${(rate(sdk) / rate(single)).toFixed(2)}×`);
  console.log(`SDK with checksums / without: ${(rate(sdkChecksums) / rate(sdk)).toFixed(2)}× (goal ≥ 0.90×)`);
  console.log(`SDK peak RSS is ${((sdk.maxRssMiB / (size / MiB)) * 100).toFixed(1)}% of the file size`);
}
