import type { S3Client } from '@aws-sdk/client-s3';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorsOnlyLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { type BrowserPageServer, startBrowserPageServer } from '../integration/support/browserPageServer.js';
import { emulatorS3, readObject } from '../integration/support/localHttp.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../integration/support/chromium.js';
import { cleanEnvironment, installInFreshProject, type PackedPackage, packPackage } from './support/packedPackage.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLIENT_DIR = join(ROOT, 'client');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const PACKAGE = '@media-pipeline/client';
const MiB = 1024 * 1024;
/** Two parts of the smallest size S3 takes, the second short: the multipart path end to end. */
const FILE_SIZE = 5 * MiB + 4_321;
const PART_SIZE = 5 * MiB;
/** The browser core's budget (issue 13), minified + gzipped; bench/clientSize.ts prints the figures. */
const CORE_GZIP_BUDGET = 12 * 1000;
/** Bounds every child process and every wait on the browser. */
const PROCESS_TIMEOUT_MS = 60_000;

// A developer without Chromium still gets a green run; CI must never skip this silently.
const noChromium = !existsSync(CHROMIUM) && !process.env.CI ? `skipped: ${CHROMIUM} is missing (apt-get install chromium)` : undefined;
if (noChromium) console.warn(`clientPackage.test.ts browser case ${noChromium}; CI runs it`);

/** A Node script of the user's: the SDK's Node entry uploads a file, then hears its state over the package's `ws`. */
const SDK_SCRIPT = `
import { createClient, openFileSource } from '${PACKAGE}/node';

const [apiUrl, token, path] = process.argv.slice(2);
const client = createClient({ apiUrl, token });
const source = await openFileSource(path);
let record;
try {
  record = await client.upload(source, { partSize: ${PART_SIZE} });
} finally {
  await source.close();
}
let event;
for await (const heard of client.watch(record.uploadId, { connectAttempts: 3 })) {
  event = heard;
  break;
}
console.log(JSON.stringify({ record, event }));
`;

/** The browser app's script: uploads bytes made in the page with the package's core. */
const PAGE_SCRIPT = `
import { createClient } from '${PACKAGE}';

globalThis.uploadFromPage = async ({ apiUrl, token, size, partSize }) => {
  const bytes = new Uint8Array(size);
  for (let offset = 0; offset < size; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, Math.min(offset + 65536, size)));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const record = await createClient({ apiUrl, token }).upload(new File([bytes], 'page.mp4', { type: 'video/mp4' }), { partSize });
  return { record, sha256: Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('') };
};
`;

/** A TypeScript app of the core alone, compiled without Node's types: the declarations must need none. */
const CORE_CONSUMER = `
import { ApiError, createClient, isFinalStatus, type PublicUpload, type UploadEvent, type UploadStatus } from '${PACKAGE}';
import { createIndexedDbStore, createUploadQueue, type QueueItem, type UploadQueueEvent } from '${PACKAGE}/queue';

const client = createClient({ apiUrl: 'https://api.example.test', getToken: async () => 'token' });
export const uploaded: Promise<PublicUpload> = client.upload(new Blob(['bytes']), { filename: 'a.mp3', contentType: 'audio/mpeg' });
export const statusOf = (event: UploadEvent): UploadStatus => event.status;
export const done = (status: UploadStatus): boolean => isFinalStatus(status);
export const isApiError = (error: unknown): boolean => error instanceof ApiError && error.code === 'NOT_FOUND';

const queue = createUploadQueue({ client, store: createIndexedDbStore() });
export const queued: Promise<QueueItem> = queue.add(new File(['bytes'], 'a.mp3'));
export const stateOf = (event: UploadQueueEvent): string => (event.type === 'state' ? event.item.state : event.type);
`;

/** A TypeScript app of the Node entry. */
const NODE_CONSUMER = `
import { createClient, createJsonFileStore, createUploadQueue, downloadToFile, type FileSource, openFileSource } from '${PACKAGE}/node';

export async function send(path: string): Promise<string> {
  const source: FileSource = await openFileSource(path);
  try {
    return (await createClient({ apiUrl: 'https://api.example.test', token: 't' }).upload(source)).uploadId;
  } finally {
    await source.close();
  }
}
export const save = (url: string) => downloadToFile(url, '/tmp/x');
export const queue = createUploadQueue({ client: createClient({ apiUrl: 'https://api.example.test', token: 't' }), store: createJsonFileStore('queue.json') });
export const queued = queue.add('/tmp/talk.mp4');
`;

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file` with `args` in the user's project, as the user would (no tsx, no loaders), bounded. */
function runInProject(cwd: string, file: string, args: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: cleanEnvironment(), timeout: PROCESS_TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe(`${PACKAGE} installed from its tarball`, () => {
  let dir: string;
  let project: string;
  let packed: PackedPackage;
  let local: LocalMode;
  let token: string;
  let s3: S3Client;

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
    dir = await mkdtemp(join(tmpdir(), 'client-package-'));
    project = join(dir, 'app');
    const localStarted = startLocal({
      port: 0,
      s3Port: 0,
      dynamoDbPort: 0,
      sqsPort: 0,
      dataDir: join(dir, 'local-data'),
      expireIntervalSeconds: 0,
      // What happens after the upload is the pipeline's, not the package's: no ffmpeg needed here.
      processUploads: false,
      log: errorsOnlyLog,
    });
    packed = await packPackage(CLIENT_DIR, dir);
    await installInFreshProject(project, [packed.tarball]);
    local = await localStarted;
    token = await local.mintToken('package-user');
    s3 = emulatorS3(local);
  });

  afterAll(async () => {
    s3?.destroy();
    await local?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('packs the built ESM package: its entries with declarations, the CLI as its bin, no sources and no tsx', async () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/node/index.js',
        'dist/node/index.d.ts',
        'dist/queue/index.js',
        'dist/queue/index.d.ts',
        'dist/cli/main.js',
      ]),
    );
    expect(packed.files.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
    expect(packed.files.filter((path) => !path.startsWith('dist/') && path !== 'package.json' && path !== 'README.md')).toEqual([]);

    const installed = join(project, 'node_modules', PACKAGE);
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string> };
    expect(manifest.type).toBe('module');
    expect(Object.keys(manifest.dependencies)).toEqual(['crc-32', 'idb-keyval', 'ws']);
    expect(existsSync(join(project, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/.bin/media-pipeline'))).toBe(true);
  });

  it('its declarations type-check in a TypeScript app: the core and the queue with no Node types, the Node entry with them, also under node10 resolution', async () => {
    const compilerOptions = { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true };
    await writeFile(join(project, 'core.ts'), CORE_CONSUMER);
    await writeFile(join(project, 'node.ts'), NODE_CONSUMER);
    await writeFile(
      join(project, 'tsconfig.core.json'),
      // skipLibCheck off: the package's own .d.ts files are checked too, against DOM types alone.
      JSON.stringify({
        compilerOptions: { ...compilerOptions, lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false, skipDefaultLibCheck: true },
        files: ['core.ts'],
      }),
    );
    await writeFile(
      join(project, 'tsconfig.node.json'),
      JSON.stringify({
        compilerOptions: { ...compilerOptions, lib: ['ES2022'], types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')], skipLibCheck: true },
        files: ['node.ts'],
      }),
    );

    // TypeScript's older `node10` resolution reads no `exports`: the Node entry's types come from `typesVersions`.
    await writeFile(
      join(project, 'tsconfig.node10.json'),
      JSON.stringify({
        compilerOptions: { ...compilerOptions, module: 'ESNext', moduleResolution: 'node10', lib: ['ES2022'], types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')], skipLibCheck: true },
        files: ['node.ts'],
      }),
    );

    const configs = ['tsconfig.core.json', 'tsconfig.node.json', 'tsconfig.node10.json'];
    const results = await Promise.all(configs.map((config) => runInProject(project, process.execPath, [TSC, '-p', config])));
    results.forEach((result, index) => {
      expect(result.stdout + result.stderr, configs[index]).toBe('');
      expect(result.code, configs[index]).toBe(0);
    });
  });

  it('uploads a file to local mode with the SDK from plain node, and hears its state over the package\'s own ws', async () => {
    const bytes = randomBytes(FILE_SIZE);
    const file = join(dir, 'from-sdk.mp4');
    await writeFile(file, bytes);
    await writeFile(join(project, 'upload.js'), SDK_SCRIPT);

    const result = await runInProject(project, process.execPath, ['upload.js', local.apiUrl, token, file]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { record, event } = JSON.parse(result.stdout) as { record: { uploadId: string; status: string; partCount: number }; event: { uploadId: string; status: string; seq: number } };
    expect(record).toMatchObject({ status: 'uploaded', partCount: 2, size: FILE_SIZE, filename: 'from-sdk.mp4' });
    expect(event).toMatchObject({ uploadId: record.uploadId, status: 'uploaded' });
    expect(sha256(await readObject(s3, local.uploadsBucket, `uploads/${record.uploadId}/source`))).toBe(sha256(bytes));
  });

  it('runs the CLI from node_modules/.bin with plain node: upload --json, status --json, and the exit codes of a failure (1) and of wrong usage (2)', async () => {
    const bytes = randomBytes(FILE_SIZE);
    const file = join(dir, 'from-cli.mp4');
    await writeFile(file, bytes);
    const bin = join(project, 'node_modules/.bin/media-pipeline');
    const target = ['--api', local.apiUrl, '--token', token];

    const uploaded = await runInProject(project, bin, ['upload', file, '--no-wait', '--json', ...target]);
    expect(uploaded.stderr).toBe('');
    expect(uploaded.code).toBe(0);
    const record = JSON.parse(uploaded.stdout) as { uploadId: string };
    expect(record).toMatchObject({ status: 'uploaded', size: FILE_SIZE, filename: 'from-cli.mp4' });
    expect(sha256(await readObject(s3, local.uploadsBucket, `uploads/${record.uploadId}/source`))).toBe(sha256(bytes));

    const status = await runInProject(project, bin, ['status', record.uploadId, '--json', ...target]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ uploadId: record.uploadId, status: 'uploaded' });

    const missing = await runInProject(project, bin, ['status', 'no-such-upload', '--json', ...target]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: 'NOT_FOUND', status: 404 } });

    const wrong = await runInProject(project, bin, ['status', ...target]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe('media-pipeline: status takes exactly one ID, got none\nRun "media-pipeline help" for usage.\n');
  });

  describe.skipIf(noChromium !== undefined)(`in headless Chromium${noChromium ? ` (${noChromium})` : ''}`, () => {
    let pageServer: BrowserPageServer;
    let context: BrowserContext;
    let bundle: { code: Uint8Array; inputs: readonly string[] };

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`CI is set but ${CHROMIUM} is missing: .ci/run installs the chromium package`);
      await writeFile(join(project, 'page.js'), PAGE_SCRIPT);
      // The app's bundler resolves the package from the project's node_modules, for the browser, with no Node polyfills.
      const result = await build({
        absWorkingDir: project,
        entryPoints: ['page.js'],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        target: 'es2022',
        minify: true,
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const [output] = result.outputFiles;
      if (!output) throw new Error('esbuild produced no output for the page');
      bundle = { code: output.contents, inputs: Object.keys(result.metafile.inputs).map((input) => relative(project, join(project, input))) };
      pageServer = await startBrowserPageServer(output.text);
      context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: PROCESS_TIMEOUT_MS,
      });
      context.setDefaultTimeout(PROCESS_TIMEOUT_MS);
    });

    afterAll(async () => {
      await context?.close();
      await pageServer?.close();
    });

    it(`bundles only the package's core (no Node entry, CLI or ws), within ${CORE_GZIP_BUDGET / 1000} KB minified + gzipped`, () => {
      // The core's one dependency, its CRC-32C, is part of what the budget counts.
      const foreign = bundle.inputs.filter(
        (input) => input !== 'page.js' && !input.startsWith(`node_modules/${PACKAGE}/dist/`) && input !== 'node_modules/crc-32/crc32c.js',
      );
      expect(foreign).toEqual([]);
      expect(bundle.inputs.filter((input) => /\/dist\/(node|cli)\//.test(input))).toEqual([]);
      expect(gzipSync(bundle.code, { level: 9 }).byteLength).toBeLessThanOrEqual(CORE_GZIP_BUDGET);
    });

    it('uploads from the page across origins, byte for byte', async () => {
      const pageErrors: string[] = [];
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${pageServer.origin}/`);
      await page.waitForFunction('globalThis.uploadFromPage !== undefined');

      const args = { apiUrl: local.apiUrl, token, size: FILE_SIZE, partSize: PART_SIZE };
      // A string expression: a function would be serialized after vitest's transform rewrote it.
      const { record, sha256: pageSha } = (await page.evaluate(`globalThis.uploadFromPage(${JSON.stringify(args)})`)) as {
        record: { uploadId: string };
        sha256: string;
      };

      expect(pageErrors).toEqual([]);
      expect(record).toMatchObject({ status: 'uploaded', partCount: 2, size: FILE_SIZE, filename: 'page.mp4', contentType: 'video/mp4' });
      expect(sha256(await readObject(s3, local.uploadsBucket, `uploads/${record.uploadId}/source`))).toBe(pageSha);
    });
  });
});
