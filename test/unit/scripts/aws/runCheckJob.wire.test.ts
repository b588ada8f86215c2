import { Readable } from 'node:stream';
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import { runCheckJob } from '../../../../scripts/aws/runCheckJob.js';

function answer(body: object, statusCode: number) {
  return { response: new HttpResponse({ statusCode, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from(JSON.stringify(body))]) }) };
}

let clock = 0;
const fakeClock = { now: () => clock, sleep: async (ms: number) => void (clock += ms) };

describe('runCheckJob on the wire', () => {
  it('records the CreateJob body as the SDK serialized it (lowerCamelCase, map keys unchanged)', async () => {
    // A request handler in place of the network: CreateJob and GetJob answered as AWS would.
    const requestHandler = {
      handle: async (request: { method: string }) =>
        request.method === 'POST' ? answer({ job: { id: 'job-1', status: 'SUBMITTED' } }, 201) : answer({ job: { id: 'job-1', status: 'COMPLETE' } }, 200),
    };
    const client = new MediaConvertClient({ region: 'eu-west-1', maxAttempts: 1, requestHandler: requestHandler as never });
    const input = {
      Role: 'arn:aws:iam::123456789012:role/r',
      ClientRequestToken: 'feedfacefeedface',
      Settings: { Inputs: [{ FileInput: 's3://b/k', AudioSelectors: { 'Audio Selector 1': { DefaultSelection: 'DEFAULT' as const } } }] },
    };

    const run = await runCheckJob(client, input, { pollIntervalMs: 5000, timeoutMs: 60_000, ...fakeClock });

    expect(run.finalStatus).toBe('COMPLETE');
    expect(run.wireBody).toEqual({
      role: 'arn:aws:iam::123456789012:role/r',
      clientRequestToken: 'feedfacefeedface',
      settings: { inputs: [{ fileInput: 's3://b/k', audioSelectors: { 'Audio Selector 1': { defaultSelection: 'DEFAULT' } } }] },
    });
  });
});
