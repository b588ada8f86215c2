/**
 * The WebSocket protocol of live progress (docs/websocket.md): the one definition the server's
 * functions, local mode's gateway and the client SDK share. It lives in the client package,
 * which publishes the contract, and the server imports it: plain types and constants with no
 * runtime import, so the SDK needs nothing of the server and a browser bundle holds no server code.
 */
import type { MediaInfo, ProcessingStage, UploadErrorInfo, UploadStatus } from './types.js';

/** The subprotocol every client offers and `$connect` echoes (alone: browsers drop a socket whose echo they did not offer). */
export const PROGRESS_PROTOCOL = 'media-pipeline.v1';
/** A browser passes its JWT as a second subprotocol, `bearer.<JWT>` (browsers cannot set headers on a WebSocket). */
export const BEARER_PROTOCOL_PREFIX = 'bearer.';
/** Command-line clients may pass the JWT as `?token=<JWT>` instead. */
export const TOKEN_QUERY_PARAMETER = 'token';

/** API Gateway's quotas for WebSocket APIs, which local mode enforces too. */
export const WEBSOCKET_LIMITS = {
  /** Largest message a client may send; a larger one closes the socket with 1009. */
  maxMessageBytes: 128 * 1024,
  /** Largest frame; every server message stays far below it. */
  maxFrameBytes: 32 * 1024,
  /** A connection with no message for this long is closed. */
  idleTimeoutSeconds: 10 * 60,
  /** No connection lives longer than this. */
  maxConnectionSeconds: 2 * 60 * 60,
} as const;

/**
 * Live connections one user may hold at once by default (their phone, tabs and CLIs together);
 * `$connect` answers 429 past it. The stack's `progress.maxConnectionsPerUser` changes it.
 */
export const MAX_CONNECTIONS_PER_OWNER = 20;
/** Subscriptions one connection may hold. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 50;
/** How many unfinished uploads a subscription to "all mine" answers with, newest first. */
export const OWNER_SNAPSHOT_LIMIT = 20;
/** The uploader reports `bytesSent` at most this often... */
export const BYTES_SENT_MIN_INTERVAL_MS = 2_000;
/** ...and only after at least this share of the file more went. */
export const BYTES_SENT_MIN_STEP = 0.05;
/** The server keeps a `bytesSent` report only when the last kept one is at least this old. */
export const BYTES_SENT_SERVER_INTERVAL_MS = 1_000;

/**
 * WebSocket close codes a client meets: API Gateway closes with 1009 a message larger than
 * `maxMessageBytes`, and with 1001 a connection at its idle or age limit. A connection whose
 * token expired is sent TOKEN_EXPIRED and then closed through the management API (which sets
 * no code of ours): the message, not the code, says to reconnect with a fresh token.
 */
export const CLOSE_CODES = {
  goingAway: 1001,
  messageTooBig: 1009,
} as const;

/** Client → server. */
export type ClientMessage =
  | { readonly action: 'subscribe'; readonly uploadId?: string }
  | { readonly action: 'unsubscribe'; readonly uploadId?: string }
  | { readonly action: 'progress'; readonly uploadId: string; readonly bytesSent: number }
  | { readonly action: 'ping' };

export type ClientAction = ClientMessage['action'];
export const CLIENT_ACTIONS: readonly ClientAction[] = ['subscribe', 'unsubscribe', 'progress', 'ping'];

/**
 * `created` (a new upload), `progress` (bytes arriving, uploaded, processing), `complete`
 * (ready) and `error` (failed, cancelled, expired): the original contract's types.
 */
export type UploadEventType = 'created' | 'progress' | 'complete' | 'error';

/** Server → client: the state of one upload after one write of its record. */
export interface UploadEvent {
  readonly type: UploadEventType;
  readonly uploadId: string;
  /** Grows with every write of the record: drop a message at or below the last `seq` seen. */
  readonly seq: number;
  readonly status: UploadStatus;
  readonly progress?: number;
  readonly stage?: ProcessingStage;
  /** Bytes the uploader reported sent while `initiated`; the whole size from `uploaded` on. */
  readonly bytesSent?: number;
  readonly totalBytes: number;
  readonly filename: string;
  readonly media?: MediaInfo;
  readonly error?: UploadErrorInfo;
  /** When the record was written (ISO-8601). */
  readonly at: string;
}

export type ProtocolErrorCode =
  | 'INVALID_MESSAGE'
  | 'NOT_FOUND'
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'INVALID_PROGRESS'
  | 'TOKEN_EXPIRED'
  | 'INTERNAL_ERROR';

/** Server → client: a request was refused. It has no `seq` (an upload's `error` event always has one). */
export interface ProtocolError {
  readonly type: 'error';
  readonly error: { readonly code: ProtocolErrorCode; readonly message: string };
  /** The action refused, when the message was readable. */
  readonly action?: ClientAction;
  readonly uploadId?: string;
}

/** Server → client: a subscription is in place; the current state was sent just before. */
export interface Subscribed {
  readonly type: 'subscribed';
  /** Absent for "all my uploads". */
  readonly uploadId?: string;
}

export interface Unsubscribed {
  readonly type: 'unsubscribed';
  readonly uploadId?: string;
}

export interface Pong {
  readonly type: 'pong';
}

export type ServerMessage = UploadEvent | ProtocolError | Subscribed | Unsubscribed | Pong;

/** True for an upload's event, false for a refusal and the acknowledgements. */
export function isUploadEvent(message: ServerMessage): message is UploadEvent {
  return 'seq' in message;
}
