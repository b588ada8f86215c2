/**
 * Many clients at once: N concurrent create → upload one small part → complete cycles through
 * the client SDK against local mode, with latency percentiles and the error count (which must
 * be 0). The baseline is the same cycle run one at a time in the same run, so the ratio shows
 * what the concurrency costs each cycle.
 *
 *   npx tsx bench/concurrentCycles.ts [--cycles 200] [--part-kib 64] [--sequential 20]
 *
 * Retries are off (`retries: 0`), so a failure is counted instead of hidden. Loopback only;
 * local mode's data goes to a temp dir that is deleted after.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, type MediaPipelineClient } from '../client/index.js';
import { errorsOnlyLog } from '../local/localLog.js';
import { startLocal } from '../local/startLocal.js';

interface Cycle {
  readonly ms: number;
  readonly error?: string;
}

const { values } = parseArgs({
  options: { cycles: { type: 'string' }, 'part-kib': { type: 'string' }, sequential: { type: 'string' } },
});
const cycles = Number(values.cycles ?? 200);
const bytes = new Uint8Array(randomBytes(Number(values['part-kib'] ?? 64) * 1024));
const sequentialCycles = Number(values.sequential ?? 20);

const dir = await mkdtemp(join(tmpdir(), 'bench-cycles-'));
try {
  const local = await startLocal({
    port: 0,
    s3Port: 0,
    dynamoDbPort: 0,
    sqsPort: 0,
    dataDir: dir,
    expireIntervalSeconds: 0,
    log: errorsOnlyLog,
    processUploads: false,
    // One user runs every cycle: the per-user limits would refuse most of them, and they are
    // not what this measures (each create still reserves and settles its share).
    uploadPolicy: { maxActiveUploadsPerUser: 1_000, maxUploadsPerHourPerUser: 1_000_000 },
  });
  try {
    const client = createClient({ apiUrl: local.apiUrl, token: await local.mintToken('bench-cycles') });
    // One cycle first so that every handler module is loaded before anything is timed.
    const warmUp = await cycle(client, -1);
    if (warmUp.error !== undefined) throw new Error(`The warm-up cycle failed: ${warmUp.error}`);

    const sequential: Cycle[] = [];
    for (let index = 0; index < sequentialCycles; index++) sequential.push(await cycle(client, index));

    const started = performance.now();
    const concurrent = await Promise.all(Array.from({ length: cycles }, (_, index) => cycle(client, sequentialCycles + index)));
    const wallSeconds = (performance.now() - started) / 1000;

    report(sequential, concurrent, wallSeconds);
  } finally {
    await local.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

async function cycle(client: MediaPipelineClient, index: number): Promise<Cycle> {
  const started = performance.now();
  try {
    const record = await client.upload(bytes, { filename: `cycle-${index}.mp3`, contentType: 'audio/mpeg', retries: 0 });
    const ms = performance.now() - started;
    if (record.status !== 'uploaded' || record.size !== bytes.length) {
      return { ms, error: `ended ${record.status} with ${record.size} bytes` };
    }
    return { ms };
  } catch (error) {
    const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { ms: performance.now() - started, error: described };
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function report(sequential: readonly Cycle[], concurrent: readonly Cycle[], wallSeconds: number): void {
  const stats = (results: readonly Cycle[]) => {
    const sorted = results.map((result) => result.ms).sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0 };
  };
  const line = (name: string, results: readonly Cycle[]) => {
    const { p50, p99, max } = stats(results);
    const errors = results.filter((result) => result.error !== undefined).length;
    return `${name.padEnd(26)} p50 ${p50.toFixed(1).padStart(7)} ms   p99 ${p99.toFixed(1).padStart(7)} ms   max ${max.toFixed(1).padStart(7)} ms   errors ${errors}`;
  };
  console.log(`create → PUT 1 part of ${bytes.length / 1024} KiB → complete, against local mode (loopback)`);
  console.log(line(`${sequential.length} one at a time`, sequential));
  console.log(line(`${concurrent.length} concurrent`, concurrent));
  console.log(`concurrent: ${(concurrent.length / wallSeconds).toFixed(1)} cycles/s over ${wallSeconds.toFixed(2)} s`);
  console.log(`p50 concurrent / one at a time: ${(stats(concurrent).p50 / stats(sequential).p50).toFixed(1)}×`);
  const failures = [...sequential, ...concurrent].filter((result) => result.error !== undefined);
  for (const failure of failures.slice(0, 5)) console.log(`  error: ${failure.error}`);
  if (failures.length > 0) process.exitCode = 1;
}
