import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsJsonEndpoint, startAwsJsonEndpoint } from '../../../../local/awsJson/startAwsJsonEndpoint.js';
import { LOCAL_ACCESS_KEY_ID, type LocalCredentials } from '../../../../local/localDefaults.js';
import { signedJsonHeaders } from '../../support/awsJsonSigning.js';

const CREDENTIALS: LocalCredentials = { accessKeyId: LOCAL_ACCESS_KEY_ID, secretAccessKey: 'secret-made-for-this-data-folder' };
const TARGET = 'AWSEvents.PutEvents';
const BODY = JSON.stringify({ Entries: [{ Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: '{}' }] });

let endpoint: AwsJsonEndpoint;
let clock: Date | undefined;
let taken: unknown[];

beforeAll(async () => {
  endpoint = await startAwsJsonEndpoint({
    host: '127.0.0.1',
    port: 0,
    signingName: 'events',
    credentials: CREDENTIALS,
    contentType: 'application/x-amz-json-1.1',
    maxRequestBytes: 1024,
    now: () => clock ?? new Date(),
    operations: {
      [TARGET]: (input) => {
        if (input.Throw) throw new TypeError('the bus broke');
        taken.push(input);
        return { status: 200, body: { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] } };
      },
    },
  });
});

afterAll(async () => {
  await endpoint?.stop();
});

beforeEach(() => {
  taken = [];
  clock = undefined;
});

interface Signing {
  readonly credentials?: LocalCredentials;
  readonly service?: string;
  readonly date?: Date;
  readonly withoutPayloadHeader?: boolean;
  readonly target?: string;
}

function signed(body: string, signing: Signing = {}): Promise<Record<string, string>> {
  return signedJsonHeaders(endpoint.endpoint, body, { credentials: CREDENTIALS, service: 'events', target: TARGET, ...signing });
}

async function post(headers: Record<string, string>, body: string) {
  const response = await fetch(endpoint.endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(4_000) });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as Record<string, unknown> };
}

describe('startAwsJsonEndpoint', () => {
  it('serves what the SDK signs with the local key, as the service would', async () => {
    const client = new EventBridgeClient({ endpoint: endpoint.endpoint, region: 'us-east-1', credentials: CREDENTIALS });
    try {
      const result = await client.send(new PutEventsCommand({ Entries: [{ Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: '{}' }] }));
      expect(result.Entries).toEqual([{ EventId: 'e-1' }]);
      expect(taken).toHaveLength(1);
    } finally {
      client.destroy();
    }
  });

  it('serves a request signed without the x-amz-content-sha256 header (as the AWS CLI signs JSON services): the body it hashed is what the signature must cover', async () => {
    expect(await post(await signed(BODY, { withoutPayloadHeader: true }), BODY)).toMatchObject({ status: 200 });
    expect(taken).toHaveLength(1);
  });

  it('refuses an unsigned request with 403 MissingAuthenticationTokenException, and calls nothing', async () => {
    const answer = await post({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET }, BODY);

    expect(answer).toEqual({
      status: 403,
      contentType: 'application/x-amz-json-1.1',
      body: { __type: 'MissingAuthenticationTokenException', message: expect.stringContaining('Request is missing Authentication Token') },
    });
    expect(taken).toEqual([]);
  });

  it.each([
    ['signed with another secret', { credentials: { ...CREDENTIALS, secretAccessKey: 'S3RVER' } }, 'InvalidSignatureException'],
    ['signed with another access key', { credentials: { accessKeyId: 'AKIAOTHER', secretAccessKey: 'x' } }, 'UnrecognizedClientException'],
    ['signed for another service', { service: 'sqs' }, 'InvalidSignatureException'],
    ['signed 16 minutes ago', { date: new Date(Date.now() - 16 * 60_000) }, 'InvalidSignatureException'],
    ['signed 16 minutes ahead', { date: new Date(Date.now() + 16 * 60_000) }, 'InvalidSignatureException'],
  ] as const)('refuses a request %s with 403 %s, and calls nothing', async (_what, signing, type) => {
    const answer = await post(await signed(BODY, signing), BODY);

    expect(answer).toMatchObject({ status: 403, body: { __type: type } });
    expect(taken).toEqual([]);
  });

  it('refuses a request replayed 16 minutes after it was signed', async () => {
    const headers = await signed(BODY);
    clock = new Date(Date.now() + 16 * 60_000);

    expect(await post(headers, BODY)).toMatchObject({ status: 403, body: { __type: 'InvalidSignatureException' } });
    expect(taken).toEqual([]);
  });

  it.each([
    ['its x-amz-content-sha256 header kept', {}],
    ['no x-amz-content-sha256 header', { withoutPayloadHeader: true }],
  ])('refuses a signed request whose body was swapped (with %s), and calls nothing', async (_what, signing) => {
    const headers = await signed(BODY, signing);
    const other = JSON.stringify({ Entries: [{ Source: 'media-pipeline', DetailType: 'Upload Ready', Detail: '{"forged":true}' }] });

    expect(await post(headers, other)).toMatchObject({ status: 403, body: { __type: 'InvalidSignatureException' } });
    expect(taken).toEqual([]);
  });

  it('refuses a signed request with an x-amz-* header added after signing', async () => {
    const headers = { ...(await signed(BODY)), 'x-amz-target-extra': 'x' };
    expect(await post(headers, BODY)).toMatchObject({ status: 403, body: { __type: 'IncompleteSignatureException' } });
  });

  it('answers a signed request for an operation it does not serve with 400 UnknownOperationException', async () => {
    const answer = await post(await signed(BODY, { target: 'AWSEvents.ListRules' }), BODY);
    expect(answer).toMatchObject({ status: 400, body: { __type: 'UnknownOperationException', message: "local mode's events serves only AWSEvents.PutEvents, not AWSEvents.ListRules" } });
  });

  it.each(['{', '[1]', '"text"'])('answers a signed body that is no JSON object (%s) with 400 SerializationException', async (body) => {
    expect(await post(await signed(body), body)).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
    expect(taken).toEqual([]);
  });

  it('answers a request over the limit with 413, before looking at it', async () => {
    const body = JSON.stringify({ Entries: [{ Detail: 'x'.repeat(2048) }] });
    expect(await post({ 'x-amz-target': TARGET }, body)).toMatchObject({ status: 413, body: { __type: 'RequestEntityTooLarge' } });
  });

  it('answers 500 InternalFailure when an operation throws, and keeps serving (a throw used to leave the request hanging and reject unhandled, ending local mode)', async () => {
    const failing = JSON.stringify({ Throw: true });
    expect(await post(await signed(failing), failing)).toMatchObject({ status: 500, body: { __type: 'InternalFailure', message: 'the bus broke' } });
    expect(await post(await signed(BODY), BODY)).toMatchObject({ status: 200 });
  });
});
