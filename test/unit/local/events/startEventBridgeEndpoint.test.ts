import { afterEach, describe, expect, it } from 'vitest';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from '../../../../local/events/startEventBridgeEndpoint.js';

const PUT_EVENTS = { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' };

describe('startEventBridgeEndpoint', () => {
  let endpoint: EventBridgeEndpoint | undefined;

  afterEach(async () => {
    await endpoint?.stop();
    endpoint = undefined;
  });

  async function post(body: unknown) {
    const response = await fetch((endpoint as EventBridgeEndpoint).endpoint, {
      method: 'POST',
      headers: PUT_EVENTS,
      body: JSON.stringify(body),
      // A request the endpoint never answers fails the test instead of hanging it.
      signal: AbortSignal.timeout(4_000),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('answers a request the bus cannot take with 500 InternalException and keeps serving (a throw used to leave the request hanging and reject unhandled, ending local mode)', async () => {
    let calls = 0;
    endpoint = await startEventBridgeEndpoint({
      host: '127.0.0.1',
      port: 0,
      put: (entries) => {
        calls += 1;
        if (calls === 1) throw new TypeError('the bus broke');
        return entries.map(() => ({ eventId: 'e-1' }));
      },
    });
    const entry = { EventBusName: 'local-bus', Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: '{}' };

    expect(await post({ Entries: [entry] })).toEqual({ status: 500, body: { __type: 'InternalException', message: 'the bus broke' } });
    expect(await post({ Entries: [entry] })).toEqual({ status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] } });
  });
});
