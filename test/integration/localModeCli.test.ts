import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NoSuchKey } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCredentials, LOCAL_REGION, LOCAL_RESOURCES } from '../../local/localDefaults.js';
import { callApi, emulatorS3, putPart, readObject } from './support/localHttp.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const PART_BYTES = 5 * 1024 * 1024;

interface RunningCli {
  readonly apiUrl: string;
  readonly s3Endpoint: string;
  /** The S3 key pair printed beside the endpoint (`key <id>/<secret>`). */
  readonly credentials: LocalCredentials;
  readonly token: string;
  /** The printed demo page address. */
  readonly demoPage: string;
  /** Sends Ctrl-C to the process group, as a terminal does, and resolves with the exit code and stderr. */
  interrupt(): Promise<{ code: number | null; stderr: string }>;
}

const running = new Set<ChildProcess>();
let dataDir: string;

/** Starts `node --import tsx local/main.ts` (what `npm run local` runs) on free ports and reads what it prints. */
async function startCli(...extraArgs: string[]): Promise<RunningCli> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/main.ts', '--port', '0', '--s3-port', '0', '--dynamodb-port', '0', '--data-dir', dataDir, '--expire-interval', '0', ...extraArgs],
    { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' } },
  );
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  exited.then(() => running.delete(child));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local mode printed no "Ready." within 30 s:\n${stdout}\n${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('Ready.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    exited.then((code) => reject(new Error(`local mode exited with ${code} before it was ready:\n${stderr}`)));
  });
  const printed = (label: string) => new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm').exec(stdout)?.[1] ?? '';
  const [, accessKeyId = '', secretAccessKey = ''] = /; key ([^/\s]+)\/([^,\s]+),/.exec(stdout) ?? [];
  return {
    apiUrl: printed('API'),
    s3Endpoint: printed('S3'),
    credentials: { accessKeyId, secretAccessKey },
    token: printed('Token'),
    demoPage: printed('Demo page'),
    interrupt: async () => {
      process.kill(-child.pid!, 'SIGINT');
      const code = await Promise.race([exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no exit within 15 s')), 15_000))]);
      return { code, stderr };
    },
  };
}

function s3For(cli: RunningCli) {
  return emulatorS3({ s3Endpoint: cli.s3Endpoint, region: LOCAL_REGION, credentials: cli.credentials });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'local-mode-cli-'));
});

afterEach(() => {
  for (const child of running) process.kill(-child.pid!, 'SIGKILL');
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('npm run local', () => {
  it('is `node --import tsx local/main.ts`, the command these tests start', async () => {
    const packageJson = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(packageJson.scripts.local).toBe('node --import tsx local/main.ts');
  });

  it('keeps uploads, objects and tokens across a restart, stops cleanly on Ctrl-C, and --reset wipes everything', async () => {
    const file = randomBytes(2 * PART_BYTES);
    const first = await startCli();
    expect(first.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.s3Endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The demo page's address signs it in with the printed token, in a fragment no server sees.
    expect(first.demoPage).toBe(`${first.apiUrl}/#token=${first.token}`);
    const page = await fetch(`${first.apiUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="demo/app.js"></script>');
    const created = await callApi(first, 'POST', '/uploads', {
      token: first.token,
      body: { filename: 'song.mp3', contentType: 'audio/mpeg', size: file.length, partSize: PART_BYTES },
    });
    expect(created.status).toBe(201);
    const { uploadId } = created.body;
    expect((await putPart(created.body.parts[0].url, file.subarray(0, PART_BYTES))).status).toBe(200);

    const firstExit = await first.interrupt();
    expect(firstExit.code, firstExit.stderr).toBe(0);
    expect(firstExit.stderr).toContain('SIGINT: stopping');

    // The record, the multipart upload with its part, the token and the S3 key all outlive the restart.
    const second = await startCli();
    expect(second.credentials).toEqual(first.credentials);
    expect(first.credentials.secretAccessKey).toMatch(/^[\w-]{32}$/);
    const again = await callApi(second, 'GET', `/uploads/${uploadId}`, { token: first.token });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ uploadId, status: 'initiated', filename: 'song.mp3', uploadedParts: [{ partNumber: 1, size: PART_BYTES }] });
    const rest = await callApi(second, 'POST', `/uploads/${uploadId}/parts`, { token: first.token, body: { partNumbers: [2] } });
    expect((await putPart(rest.body.parts[0].url, file.subarray(PART_BYTES))).status).toBe(200);
    expect((await callApi(second, 'POST', `/uploads/${uploadId}/complete`, { token: first.token, body: {} })).body.status).toBe('uploaded');
    const s3 = s3For(second);
    expect((await readObject(s3, LOCAL_RESOURCES.uploadsBucket, `uploads/${uploadId}/source`)).equals(file)).toBe(true);
    s3.destroy();
    const secondExit = await second.interrupt();
    expect(secondExit.code, secondExit.stderr).toBe(0);

    const reset = await startCli('--reset');
    expect(reset.credentials.secretAccessKey).not.toBe(first.credentials.secretAccessKey);
    expect(await callApi(reset, 'GET', `/uploads/${uploadId}`, { token: first.token })).toMatchObject({ status: 401 });
    const minted = await callApi(reset, 'POST', '/@local/token', { body: { sub: 'local-dev' } });
    expect(await callApi(reset, 'GET', `/uploads/${uploadId}`, { token: minted.body.token })).toMatchObject({ status: 404 });
    const wiped = s3For(reset);
    await expect(readObject(wiped, LOCAL_RESOURCES.uploadsBucket, `uploads/${uploadId}/source`)).rejects.toBeInstanceOf(NoSuchKey);
    wiped.destroy();
    const resetExit = await reset.interrupt();
    expect(resetExit.code, resetExit.stderr).toBe(0);
  });

  it('refuses a bad flag with exit code 2 and the usage', async () => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['local/main.ts', '--port', 'eighty'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a port number from 0 to 65535, got "eighty"');
    expect(stderr).toContain('Usage: npm run local');
  });
});
