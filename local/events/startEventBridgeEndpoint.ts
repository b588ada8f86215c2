import { type AwsJsonAnswer, type AwsJsonEndpoint, startAwsJsonEndpoint } from '../awsJson/startAwsJsonEndpoint.js';
import type { LocalCredentials } from '../localDefaults.js';

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
  /** Always a loopback address: it serves local mode's functions only. */
  readonly host: string;
  readonly port: number;
  /** Local mode's key pair: only requests signed with it are taken. */
  readonly credentials: LocalCredentials;
  /** Takes the entries; returns each one's event id, or an error code for one it refused (as PutEvents reports per entry). */
  readonly put: (entries: readonly PutEventsEntry[]) => readonly ({ readonly eventId: string } | { readonly errorCode: string; readonly errorMessage: string })[];
  /** @default - the system clock */
  readonly now?: () => Date;
}

export type EventBridgeEndpoint = AwsJsonEndpoint;

/** PutEvents' own limit on a request. */
const MAX_REQUEST_BYTES = 256 * 1024 + 4096;

/**
 * The one call of EventBridge's JSON protocol the functions make (`x-amz-target:
 * AWSEvents.PutEvents`), so the event publisher puts its events through the SDK as on AWS;
 * local mode's bus (LocalEventBus) takes them. Only requests signed with local mode's key get
 * there (startAwsJsonEndpoint): an event put here may become a webhook delivery signed with the
 * webhook's real secret.
 */
export function startEventBridgeEndpoint(options: EventBridgeEndpointOptions): Promise<EventBridgeEndpoint> {
  return startAwsJsonEndpoint({
    host: options.host,
    port: options.port,
    signingName: 'events',
    credentials: options.credentials,
    contentType: 'application/x-amz-json-1.1',
    maxRequestBytes: MAX_REQUEST_BYTES,
    now: options.now,
    operations: { 'AWSEvents.PutEvents': (input) => putEvents(input, options.put) },
  });
}

function putEvents(input: Readonly<Record<string, unknown>>, put: EventBridgeEndpointOptions['put']): AwsJsonAnswer {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
    return { status: 400, body: { __type: 'ValidationException', message: 'Entries must hold 1 to 10 entries' } };
  }
  const results = put(entries as PutEventsEntry[]);
  return {
    status: 200,
    body: {
      FailedEntryCount: results.filter((result) => 'errorCode' in result).length,
      Entries: results.map((result) => ('errorCode' in result ? { ErrorCode: result.errorCode, ErrorMessage: result.errorMessage } : { EventId: result.eventId })),
    },
  };
}
