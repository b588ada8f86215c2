import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../client/cli/runCli.js';
import { createClient } from '../../client/createClient.js';
import { silentLog } from '../../local/localLog.js';
import { type LocalMode, startLocal } from '../../local/startLocal.js';
import { callApi, putPart } from './support/localHttp.js';

const MiB = 1024 * 1024;
const PART_SIZE = 5 * MiB;
/** Quotes, a semicolon, non-ASCII and a space: what a naive header would break on. */
const FILENAME = 'Café "live"; 東京 take 2.mp4';

let local: LocalMode;
let dataDir: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  dataDir = await mkdtemp(join(tmpdir(), 'download-original-'));
  local = await startLocal({ port: 0, s3Port: 0, dynamoDbPort: 0, sqsPort: 0, dataDir, expireIntervalSeconds: 0, retryDelayMs: () => 50, log: silentLog });
  alice = await local.mintToken('alice');
  bob = await local.mintToken('bob');
});

afterAll(async () => {
  await local?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Creates an upload of `file` and PUTs its parts; completes it unless told not to. */
async function upload(file: Buffer, options: { complete?: boolean } = {}): Promise<string> {
  const created = await callApi(local, 'POST', '/uploads', {
    token: alice,
    body: { filename: FILENAME, contentType: 'video/mp4', size: file.length, partSize: PART_SIZE },
  });
  expect(created.status).toBe(201);
  const { uploadId, parts } = created.body as { uploadId: string; parts: { partNumber: number; url: string }[] };
  for (const { partNumber, url } of parts) {
    const put = await putPart(url, file.subarray((partNumber - 1) * PART_SIZE, partNumber * PART_SIZE));
    expect(put.status).toBe(200);
  }
  if (options.complete !== false) expect((await callApi(local, 'POST', `/uploads/${uploadId}/complete`, { token: alice })).status).toBe(200);
  return uploadId;
}

async function downloadLink(uploadId: string, token = alice) {
  return callApi(local, 'GET', `/uploads/${uploadId}/download`, { token });
}

describe('local mode: GET /uploads/{id}/download', () => {
  const file = randomBytes(11 * MiB + 321);
  let uploadId: string;

  beforeAll(async () => {
    uploadId = await upload(file);
  });

  it('answers the owner with a short-lived URL that serves the original byte for byte, as an attachment under its filename', async () => {
    const before = Date.now();
    const link = await downloadLink(uploadId);

    expect(link.status).toBe(200);
    const expiresIn = Date.parse(link.body.expiresAt) - before;
    expect(expiresIn).toBeGreaterThan(4 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(5 * 60_000);
    // A plain GET with no token, as a browser or curl sends it.
    const response = await fetch(link.body.url, { signal: AbortSignal.timeout(15_000) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-length')).toBe(String(file.length));
    const disposition = response.headers.get('content-disposition')!;
    expect(disposition).toBe(
      `attachment; filename="Caf_ _live_; __ take 2.mp4"; filename*=UTF-8''Caf%C3%A9%20%22live%22%3B%20%E6%9D%B1%E4%BA%AC%20take%202.mp4`,
    );
    expect(decodeURIComponent(/filename\*=UTF-8''(\S+)$/.exec(disposition)![1]!)).toBe(FILENAME);
    expect(Buffer.from(await response.arrayBuffer()).equals(file)).toBe(true);
  });

  it('honours Range: 206 with exactly the asked bytes, across a part boundary and to the end', async () => {
    const { url } = (await downloadLink(uploadId)).body;
    const start = PART_SIZE - 100;
    const middle = await fetch(url, { headers: { range: `bytes=${start}-${start + 199}` }, signal: AbortSignal.timeout(15_000) });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes ${start}-${start + 199}/${file.length}`);
    expect(Buffer.from(await middle.arrayBuffer()).equals(file.subarray(start, start + 200))).toBe(true);

    // What a resumed download asks for: everything from the first byte it does not have.
    const rest = await fetch(url, { headers: { range: `bytes=${file.length - 1000}-` }, signal: AbortSignal.timeout(15_000) });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-disposition')).toMatch(/^attachment; /);
    expect(Buffer.from(await rest.arrayBuffer()).equals(file.subarray(file.length - 1000))).toBe(true);
  });

  it('signs the filename and type into the URL: a URL asking for another disposition is refused with 403', async () => {
    const { url } = (await downloadLink(uploadId)).body;
    const tampered = new URL(url);
    tampered.searchParams.set('response-content-disposition', 'inline');
    const refused = await fetch(tampered, { signal: AbortSignal.timeout(15_000) });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('SignatureDoesNotMatch');
  });

  it("answers another owner with 404 NOT_FOUND, like an upload that does not exist", async () => {
    const foreign = await downloadLink(uploadId, bob);
    const missing = await downloadLink('00000000-0000-4000-8000-000000000000', bob);

    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: { code: 'NOT_FOUND', message: `Upload ${uploadId} was not found` } });
    expect(missing.status).toBe(404);
  });

  it('answers an upload whose original is not complete yet with 409 INVALID_STATE naming initiated', async () => {
    const pending = await upload(randomBytes(1000), { complete: false });

    const answer = await downloadLink(pending);

    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({ code: 'INVALID_STATE', message: `Upload ${pending} is initiated; its original exists once the upload is completed` });
  });

  it('answers a cancelled upload with 409 INVALID_STATE naming cancelled', async () => {
    const cancelled = await upload(randomBytes(1000), { complete: false });
    expect((await callApi(local, 'DELETE', `/uploads/${cancelled}`, { token: alice })).status).toBe(200);

    const answer = await downloadLink(cancelled);

    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('is cancelled') });
  });

  it('the SDK hands out the same kind of link: downloadUrl(id)', async () => {
    const client = createClient({ apiUrl: local.apiUrl, token: alice, webSocket: null });
    const link = await client.downloadUrl(uploadId);
    const response = await fetch(link.url, { headers: { range: 'bytes=0-9' }, signal: AbortSignal.timeout(15_000) });
    expect(response.status).toBe(206);
    expect(Buffer.from(await response.arrayBuffer()).equals(file.subarray(0, 10))).toBe(true);
  });

  it('the CLI saves the original byte for byte, and resumes a cut-off file with a ranged GET', async () => {
    const path = join(dataDir, 'saved.mp4');
    const run = async () => {
      const err: string[] = [];
      const code = await runCli(['download', uploadId, path], {
        stdout: { write: () => true },
        stderr: { isTTY: false, write: (text: string) => err.push(text) },
        env: { MEDIA_PIPELINE_API: local.apiUrl, MEDIA_PIPELINE_TOKEN: alice },
        interrupt: new AbortController().signal,
        webSocket: null,
      });
      return { code, stderr: err.join('') };
    };

    const whole = await run();
    expect(whole.code, whole.stderr).toBe(0);
    expect((await readFile(path)).equals(file)).toBe(true);

    await truncate(path, 3 * MiB + 17);
    const resumed = await run();
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`Resuming ${path} at 3.0 MiB of 11.0 MiB`);
    expect((await readFile(path)).equals(file)).toBe(true);
  });
});
