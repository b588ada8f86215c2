import { Readable } from 'node:stream';
import { MediaConvertClient } from '@aws-sdk/client-mediaconvert';
import { type HttpRequest, HttpResponse } from '@smithy/protocol-http';

/** A request as a MediaConvert endpoint receives it: method, path, lower-case headers and the body. */
export interface MediaConvertWireRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The body text ('' when there is none). */
  readonly body: string;
  /** The body parsed as JSON, undefined when there is none. */
  readonly json: unknown;
}

/** What the fake endpoint answers. */
export interface CannedAnswer {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

/** CreateJob's answer on AWS: 201 and the job, here only its id and status. */
export const CREATED_JOB: CannedAnswer = {
  statusCode: 201,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ job: { id: '1', status: 'SUBMITTED' } }),
};

/**
 * Sends `command` (any MediaConvert command) through the real `MediaConvertClient`, whose own
 * middleware serializes and signs it, and captures the request in place of the network; the
 * canned `answer` is parsed back by the same client: into `output`, or, for an error answer,
 * into the `error` the client throws. `endpoint` is the regional AWS endpoint unless given (local
 * mode's emulator sees the same path and body). One attempt, no retries.
 */
export async function sentByMediaConvertClient<Output>(
  command: object,
  options: { readonly answer?: CannedAnswer; readonly endpoint?: string } = {},
): Promise<{ readonly request: MediaConvertWireRequest; readonly output: Output | undefined; readonly error: unknown }> {
  const answer = options.answer ?? CREATED_JOB;
  let captured: MediaConvertWireRequest | undefined;
  const requestHandler = {
    handle: async (request: HttpRequest) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      const body = bodyText(request.body);
      captured = { method: request.method, path: request.path, headers, body, json: body === '' ? undefined : JSON.parse(body) };
      const response = new HttpResponse({
        statusCode: answer.statusCode,
        headers: { ...answer.headers },
        body: Readable.from([Buffer.from(answer.body)]),
      });
      return { response };
    },
  };
  const client = new MediaConvertClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAUNITTEST00000000', secretAccessKey: 'unit-test-secret-key-0000000000000000000' },
    maxAttempts: 1,
    requestHandler,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  });
  const send = client.send.bind(client) as (command: object) => Promise<Output>;
  let output: Output | undefined;
  let error: unknown;
  try {
    output = await send(command);
  } catch (thrown) {
    error = thrown;
  } finally {
    client.destroy();
  }
  if (!captured) throw new Error('The MediaConvert client sent nothing', { cause: error });
  return { request: captured, output, error };
}

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // The SDK's JSON body is a Uint8Array that warns when used as a string: decode the bytes, as a server would.
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  throw new TypeError(`The MediaConvert client sent a ${Object.prototype.toString.call(body)} body; expected text`);
}
