import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../../../../local/events/startEventBridgeEndpoint.js';
import { LOCAL_ACCESS_KEY_ID, type LocalCredentials } from '../../../../local/localDefaults.js';

const CREDENTIALS: LocalCredentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: 'secret-made-for-this-data-folder' };
const ENTRY = { EventBusName: 'local-bus', Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: '{}' };

describe('startEventBridgeEndpoint', () => {
  let endpoint: EventBridgeEndpoint | undefined;
  let client: EventBridgeClient | undefined;

  afterEach(async () => {
    client?.destroy();
    await endpoint?.stop();
    endpoint = undefined;
  });

  async function start(put: Parameters<typeof startEventBridgeEndpoint>[0]['put']) {
    endpoint = await startEventBridgeEndpoint({ host: '127.0.0.1', port: 0, credentials: CREDENTIALS, put });
    client = new EventBridgeClient({ endpoint: endpoint.endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
    return client;
  }

  it("hands the SDK's entries to the bus and reports each one's id or error as PutEvents does", async () => {
    const put: unknown[] = [];
    const events = await start((entries) => {
      put.push(...entries);
      return entries.map((_, index) => (index === 0 ? { eventId: 'e-1' } : { errorCode: 'ResourceNotFoundException', errorMessage: 'no such bus' }));
    });

    const result = await events.send(new PutEventsCommand({ Entries: [ENTRY, { ...ENTRY, EventBusName: 'other' }] }));

    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries).toEqual([{ EventId: 'e-1' }, { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'no such bus' }]);
    expect(put).toEqual([ENTRY, { ...ENTRY, EventBusName: 'other' }]);
  });

  it('refuses no entries, or more than ten, as EventBridge does, putting none', async () => {
    let calls = 0;
    const events = await start((entries) => {
      calls += 1;
      return entries.map(() => ({ eventId: 'e' }));
    });

    await expect(events.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => ENTRY) }))).rejects.toMatchObject({ name: 'ValidationException' });
    expect(calls).toBe(0);
  });

  it('answers a request the bus cannot take with 500 InternalFailure and keeps serving (a throw used to leave the request hanging and reject unhandled, ending local mode)', async () => {
    let calls = 0;
    const events = await start((entries) => {
      calls += 1;
      if (calls === 1) throw new TypeError('the bus broke');
      return entries.map(() => ({ eventId: 'e-1' }));
    });

    await expect(events.send(new PutEventsCommand({ Entries: [ENTRY] }))).rejects.toMatchObject({ name: 'InternalFailure', message: 'the bus broke', $metadata: { httpStatusCode: 500 } });
    expect((await events.send(new PutEventsCommand({ Entries: [ENTRY] }))).Entries).toEqual([{ EventId: 'e-1' }]);
  });

  it('refuses a request signed with another key, putting nothing', async () => {
    let calls = 0;
    await start((entries) => {
      calls += 1;
      return entries.map(() => ({ eventId: 'e' }));
    });
    const forger = new EventBridgeClient({ endpoint: endpoint?.endpoint, region: 'us-east-1', credentials: { ...CREDENTIALS, secretAccessKey: 'S3RVER' }, maxAttempts: 1 });
    try {
      await expect(forger.send(new PutEventsCommand({ Entries: [ENTRY] }))).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
    } finally {
      forger.destroy();
    }
    expect(calls).toBe(0);
  });
});
