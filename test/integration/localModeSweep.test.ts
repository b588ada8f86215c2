import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLog } from '../../local/localLog.js';
import type { LocalMode } from '../../local/startLocal.js';
import { REQUEUE_CONFIGURATION_ID } from '../../lambdas/sweep-uploads/objectCreatedEvent.js';
import { makeImage } from './processFixtures.js';
import { callApi, emulatorS3, putPart } from './support/localHttp.js';
import { startTestLocal, type TestLocal } from './support/startTestLocal.js';

/**
 * Local mode with S3 events switched off, as if every event were lost, and the sweep run on
 * request. Records are aged by moving `updatedAt` back, which is what time does; the margin
 * is one minute, and the process function's timeout (local mode's visibility timeout) 15.
 */
const STALL_MARGIN_SECONDS = 60;
const MINUTE = 60_000;

let local: LocalMode;
let testLocal: TestLocal;
let token: string;
let image: Buffer;
let s3: S3Client;
let dynamo: DynamoDBDocumentClient;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  testLocal = await startTestLocal('local-mode-sweep', { stallMarginSeconds: STALL_MARGIN_SECONDS, processUploads: false, log: silentLog });
  local = testLocal.local;
  image = await readFile(await makeImage(join(testLocal.dir, 'still.png'), 320, 240));
  token = await local.mintToken('alice');
  s3 = emulatorS3(local);
  dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: local.dynamoDbEndpoint, region: local.region, credentials: local.credentials }));
});

afterAll(async () => {
  s3?.destroy();
  dynamo?.destroy();
  await testLocal?.stop();
});

/** An image uploaded and completed; its S3 event is lost, so it stays `uploaded`. */
async function uploadedImage(): Promise<string> {
  const created = await callApi(local, 'POST', '/uploads', { token, body: { filename: 'still.png', contentType: 'image/png', size: image.length } });
  expect(created.status).toBe(201);
  expect((await putPart(created.body.parts[0].url, image)).status).toBe(200);
  const completed = await callApi(local, 'POST', `/uploads/${created.body.uploadId}/complete`, { token, body: {} });
  expect(completed.body).toMatchObject({ status: 'uploaded' });
  return created.body.uploadId as string;
}

/** Moves the record's last write `minutes` into the past, and sets what else is given. */
async function age(uploadId: string, minutes: number, fields: Record<string, unknown> = {}): Promise<void> {
  const all: Record<string, unknown> = { updatedAt: new Date(Date.now() - minutes * MINUTE).toISOString(), ...fields };
  const names = Object.fromEntries(Object.keys(all).map((field, index) => [`#f${index}`, field]));
  const values = Object.fromEntries(Object.values(all).map((value, index) => [`:f${index}`, value]));
  await dynamo.send(
    new UpdateCommand({
      TableName: local.uploadsTable,
      Key: { uploadId },
      UpdateExpression: `SET ${Object.keys(all).map((_field, index) => `#f${index} = :f${index}`).join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/** What a processing run that died half way through publishing leaves: the record `processing`, some outputs. */
async function crashedRun(uploadId: string, minutesAgo: number): Promise<void> {
  await age(uploadId, minutesAgo, { status: 'processing', pendingProcessing: 'processing', stage: 'publish', progress: 90 });
  await publish(uploadId);
}

async function publish(uploadId: string): Promise<void> {
  for (const name of ['master.m3u8', '720p/segment-000.ts']) {
    await s3.send(new PutObjectCommand({ Bucket: local.mediaBucket, Key: `media/${uploadId}/${name}`, Body: 'partial output' }));
  }
}

async function outputs(uploadId: string): Promise<string[]> {
  const { Contents } = await s3.send(new ListObjectsV2Command({ Bucket: local.mediaBucket, Prefix: `media/${uploadId}/` }));
  return (Contents ?? []).map((object) => object.Key ?? '');
}

async function upload(uploadId: string): Promise<Record<string, any>> {
  return (await callApi(local, 'GET', `/uploads/${uploadId}`, { token })).body;
}

async function sweep(): Promise<void> {
  await local.runSweep();
  await local.eventsIdle();
}

describe('local mode: the sweep', () => {
  let readyId: string;

  it('sends the event of an upload whose event was lost again, and the upload is processed to ready; a fresh one is left to its event', async () => {
    readyId = await uploadedImage();
    const freshId = await uploadedImage();
    await age(readyId, 5);

    await sweep();

    expect(await upload(readyId)).toMatchObject({ status: 'ready', media: { kind: 'image' } });
    expect(await upload(freshId)).toMatchObject({ status: 'uploaded' });
    const resent = local.deliveries.filter((report) => report.event.Records.some((record) => record.body.includes(readyId)));
    expect(resent).toHaveLength(1);
    expect(JSON.parse(resent[0]!.event.Records[0]!.body).Records[0].s3.configurationId).toBe(REQUEUE_CONFIGURATION_ID);
    expect(local.deliveries.some((report) => report.event.Records.some((record) => record.body.includes(freshId)))).toBe(false);
    expect((await outputs(readyId)).length).toBeGreaterThan(0);
  });

  it('fails an upload whose event was sent again too often as PROCESSING_STALLED', async () => {
    const uploadId = await uploadedImage();
    await age(uploadId, 5, { requeueCount: 3 });

    await sweep();

    expect(await upload(uploadId)).toMatchObject({
      status: 'failed',
      error: {
        code: 'PROCESSING_STALLED',
        message: 'Processing did not start although the upload was queued for it 4 times; upload the file again later',
      },
    });
  });

  it('fails an upload left processing by a run that crashed past its deadline and removes what it published; a run that may still be working is left alone', async () => {
    const crashedId = await uploadedImage();
    const workingId = await uploadedImage();
    await crashedRun(crashedId, 60);
    await crashedRun(workingId, 10);

    await sweep();

    expect(await upload(crashedId)).toMatchObject({
      status: 'failed',
      error: { code: 'PROCESSING_STALLED', message: expect.stringMatching(/^Processing stopped without finishing: nothing happened for 60 minutes/) },
    });
    expect(await upload(crashedId)).not.toHaveProperty('stage');
    expect(await outputs(crashedId)).toEqual([]);
    expect(await upload(workingId)).toMatchObject({ status: 'processing', stage: 'publish' });
    expect(await outputs(workingId)).toHaveLength(2);
  });

  it("removes the outputs a dead run left for a cancelled upload and for a removed one, and keeps a ready upload's", async () => {
    const cancelledId = await uploadedImage();
    expect((await callApi(local, 'DELETE', `/uploads/${cancelledId}`, { token })).body).toMatchObject({ status: 'cancelled' });
    await publish(cancelledId);
    const removedId = randomUUID();
    await publish(removedId);
    const readyOutputs = await outputs(readyId);

    await sweep();

    expect(await outputs(cancelledId)).toEqual([]);
    expect(await outputs(removedId)).toEqual([]);
    expect(await outputs(readyId)).toEqual(readyOutputs);
    expect(await upload(cancelledId)).toMatchObject({ status: 'cancelled' });
  });
});
