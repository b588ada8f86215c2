import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { LocalMode } from '../../../local/startLocal.js';

export interface ApiAnswer<T = any> {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: T;
}

/** Calls the local API over HTTP the way any client does: a bearer token and a JSON body. */
export async function callApi<T = any>(
  local: Pick<LocalMode, 'apiUrl'>,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${local.apiUrl}${path}`, {
    method,
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** PUTs bytes to a presigned part URL, as a browser or curl would. */
export async function putPart(url: string, bytes: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  // Node's Buffers are typed over ArrayBufferLike; fetch sends any of them.
  const body = bytes as Uint8Array<ArrayBuffer>;
  const response = await fetch(url, { method: 'PUT', body, headers, signal: AbortSignal.timeout(15_000) });
  await response.arrayBuffer();
  return response;
}

/** An S3 client for the emulator, with the checksum settings it needs. */
export function emulatorS3(local: Pick<LocalMode, 's3Endpoint' | 'region' | 'credentials'>): S3Client {
  return new S3Client({
    endpoint: local.s3Endpoint,
    region: local.region,
    credentials: local.credentials,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await Body!.transformToByteArray());
}

/** Whether the uploads bucket holds `uploadId`'s original. */
export async function originalExists(s3: S3Client, local: Pick<LocalMode, 'uploadsBucket'>, uploadId: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: local.uploadsBucket, Key: `uploads/${uploadId}/source` }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NotFound') return false;
    throw error;
  }
}
