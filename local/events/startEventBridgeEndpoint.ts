import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One PutEvents entry as the SDK sends it (JSON protocol: `Time` in epoch seconds). */
export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Time?: number;
  readonly Resources?: readonly string[];
}

export interface EventBridgeEndpointOptions {
  /** Always a loopback address: the endpoint checks no signature. */
  readonly host: string;
  readonly port: number;
  /** Takes the entries; returns each one's event id, or an error code for one it refused (as PutEvents reports per entry). */
  readonly put: (entries: readonly PutEventsEntry[]) => readonly ({ readonly eventId: string } | { readonly errorCode: string; readonly errorMessage: string })[];
}

export interface EventBridgeEndpoint {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** PutEvents' own limit on a request. */
const MAX_REQUEST_BYTES = 256 * 1024 + 4096;

/**
 * The one call of EventBridge's JSON protocol the functions make (`x-amz-target:
 * AWSEvents.PutEvents`), so the event publisher puts its events through the SDK as on AWS;
 * local mode's bus (LocalEventBus) takes them. Anything else is answered as EventBridge answers
 * an unknown operation.
 */
export async function startEventBridgeEndpoint(options: EventBridgeEndpointOptions): Promise<EventBridgeEndpoint> {
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    readBody(request).then(
      (raw) => {
        if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
          send(400, { __type: 'UnknownOperationException', message: `local mode serves only PutEvents, not ${String(request.headers['x-amz-target'])}` });
          return;
        }
        let entries: unknown;
        try {
          entries = (JSON.parse(raw) as { Entries?: unknown }).Entries;
        } catch {
          send(400, { __type: 'SerializationException', message: 'The body is not JSON' });
          return;
        }
        if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
          send(400, { __type: 'ValidationException', message: 'Entries must hold 1 to 10 entries' });
          return;
        }
        let results: ReturnType<EventBridgeEndpointOptions['put']>;
        try {
          results = options.put(entries as PutEventsEntry[]);
        } catch (error) {
          // Thrown out of this callback it would hang the request and reject unhandled, ending local mode.
          send(500, { __type: 'InternalException', message: (error as Error).message });
          return;
        }
        const failed = results.filter((result) => 'errorCode' in result).length;
        send(200, {
          FailedEntryCount: failed,
          Entries: results.map((result) => ('errorCode' in result ? { ErrorCode: result.errorCode, ErrorMessage: result.errorMessage } : { EventId: result.eventId })),
        });
      },
      () => send(413, { __type: 'ValidationException', message: 'The request is too large' }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host}:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
