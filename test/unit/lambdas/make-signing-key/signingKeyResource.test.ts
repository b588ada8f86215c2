import { createPublicKey, sign, verify } from 'node:crypto';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signingKeyResource } from '../../../../lambdas/make-signing-key/signingKeyResource.js';
import { testKeyPair } from '../shared/mediaAccess/grantKeys.js';

const secrets = mockClient(SecretsManagerClient);
const SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:signing-key-1-AbCdEf';
const RESPONSE_URL = 'https://cloudformation-custom-resource-response.s3.amazonaws.com/answer?X-Amz-Signature=abc';
let answers: { url: string; init: RequestInit }[];

function event(requestType: 'Create' | 'Update' | 'Delete', secretId: unknown = SECRET): CloudFormationCustomResourceEvent {
  return {
    RequestType: requestType,
    ResponseURL: RESPONSE_URL,
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'SigningKey1',
    ResourceType: 'Custom::MediaSigningKey',
    ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:make-signing-key',
    ResourceProperties: { ServiceToken: 'token', SecretId: secretId },
    ...(requestType === 'Create' ? {} : { PhysicalResourceId: SECRET, OldResourceProperties: {} }),
  } as CloudFormationCustomResourceEvent;
}

function answer(): Record<string, unknown> {
  expect(answers).toHaveLength(1);
  expect(answers[0]).toMatchObject({ url: RESPONSE_URL, init: { method: 'PUT' } });
  return JSON.parse(String(answers[0]!.init.body)) as Record<string, unknown>;
}

beforeEach(() => {
  secrets.reset();
  answers = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    answers.push({ url, init });
    return new Response(null, { status: 200 });
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('Custom::MediaSigningKey', () => {
  it('makes an RSA key pair on create, puts the private key in the secret and answers only the public key', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'random generated password' });
    secrets.on(PutSecretValueCommand).resolves({});
    await signingKeyResource(event('Create'));

    const put = secrets.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(put.SecretId).toBe(SECRET);
    const body = answer();
    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: SECRET, RequestId: 'request', LogicalResourceId: 'SigningKey1', StackId: 'stack' });
    const publicPem = (body.Data as { PublicKey: string }).PublicKey;
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(JSON.stringify(body)).not.toContain('PRIVATE KEY');
    const signature = sign('RSA-SHA1', Buffer.from('policy'), put.SecretString!);
    expect(verify('RSA-SHA1', Buffer.from('policy'), createPublicKey(publicPem), signature)).toBe(true);
    expect(createPublicKey(publicPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('keeps the key a secret already holds on update (and on a retried create): the same public key, nothing written', async () => {
    const { privateKey, publicKey } = testKeyPair();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    await signingKeyResource(event('Update'));
    expect(secrets).not.toHaveReceivedCommand(PutSecretValueCommand);
    expect(answer()).toMatchObject({ Status: 'SUCCESS', Data: { PublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() } });
  });

  it('answers FAILED with the reason when the secret cannot be read, so the deploy stops instead of hanging', async () => {
    secrets.on(GetSecretValueCommand).rejects(new Error('AccessDenied'));
    await signingKeyResource(event('Create'));
    expect(answer()).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('AccessDenied') });
  });

  it('answers FAILED when no secret is named', async () => {
    await signingKeyResource(event('Create', ''));
    expect(answer()).toMatchObject({ Status: 'FAILED', Reason: expect.stringContaining('SecretId') });
    expect(secrets).not.toHaveReceivedAnyCommand();
  });

  it('does nothing on delete but answer: the secret is a resource of its own', async () => {
    await signingKeyResource(event('Delete'));
    expect(answer()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: SECRET });
    expect(secrets).not.toHaveReceivedAnyCommand();
  });
});
