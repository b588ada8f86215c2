import {
  BEARER_PROTOCOL_PREFIX,
  type ClientMessage,
  PROGRESS_PROTOCOL,
  type ServerMessage,
  WEBSOCKET_LIMITS,
} from './protocol.js';
import { WEBSOCKET_OPEN, type WebSocketConstructor, type WebSocketLike } from './WebSocketLike.js';

/**
 * A ping goes out after this long without sending anything: half the server's idle limit, so a
 * timer that a background tab or a sleeping phone delays still fires in time.
 */
export const PING_AFTER_MS = (WEBSOCKET_LIMITS.idleTimeoutSeconds * 1000) / 2;
/**
 * No message at all this long after a ping means the connection is dead even though no close
 * arrived (a phone that changed networks keeps a half-open socket for minutes).
 */
export const PONG_TIMEOUT_MS = 30_000;
/** A handshake that has not finished by then is given up (`ws` has no timeout of its own). */
export const CONNECT_TIMEOUT_MS = 30_000;
/** A replacement connection is opened this long before the server's 2-hour limit ends this one. */
export const RENEW_BEFORE_LIMIT_MS = 10 * 60_000;

export interface ConnectionEvents {
  onOpen(): void;
  onMessage(message: ServerMessage): void;
  /**
   * Called once, whether the socket ever opened or not: closed by the server, failed, or found
   * dead. Never called after `close()`.
   */
  onLost(closeCode: number | undefined, cause?: unknown): void;
  /** The connection nears the server's 2-hour limit: time to open its replacement. */
  onAged(): void;
}

/**
 * One WebSocket to the progress API, authenticated with a `bearer.<JWT>` subprotocol (the form
 * every implementation can send; browsers cannot set headers). It keeps itself alive with
 * pings, notices a dead peer, and says when it is due for renewal; reconnecting is the owner's
 * job (`ProgressSocket`).
 */
export class ProgressConnection {
  private readonly socket: WebSocketLike;
  private ended = false;
  private openTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setTimeout> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private ageTimer: ReturnType<typeof setTimeout> | undefined;

  /** Throws what the WebSocket constructor throws (a malformed URL). */
  constructor(WebSocket: WebSocketConstructor, url: string, token: string, private readonly events: ConnectionEvents) {
    this.socket = new WebSocket(url, [PROGRESS_PROTOCOL, BEARER_PROTOCOL_PREFIX + token]);
    this.openTimer = setTimeout(() => this.lose(undefined, new Error(`No handshake within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    this.socket.addEventListener('open', () => {
      if (this.ended) return;
      clearTimeout(this.openTimer);
      this.schedulePing();
      this.ageTimer = setTimeout(() => this.events.onAged(), WEBSOCKET_LIMITS.maxConnectionSeconds * 1000 - RENEW_BEFORE_LIMIT_MS);
      this.events.onOpen();
    });
    this.socket.addEventListener('message', (event) => {
      if (this.ended) return;
      clearTimeout(this.pongTimer);
      this.pongTimer = undefined;
      const message = parseServerMessage(event.data);
      if (message) this.events.onMessage(message);
    });
    this.socket.addEventListener('close', (event) => this.lose(event.code));
    // An error is followed by a close in every implementation; losing at once also covers one whose close never comes.
    this.socket.addEventListener('error', (event) => this.lose(undefined, (event as { error?: unknown }).error ?? event));
  }

  get isOpen(): boolean {
    return !this.ended && this.socket.readyState === WEBSOCKET_OPEN;
  }

  /** Sends when the socket is open; false when it is not (nothing is queued). */
  send(message: ClientMessage): boolean {
    if (!this.isOpen) return false;
    try {
      this.socket.send(JSON.stringify(message));
    } catch {
      return false;
    }
    this.schedulePing();
    return true;
  }

  /** Closes the socket; nothing more is reported. */
  close(): void {
    if (this.ended) return;
    this.end();
    this.socket.close(1000);
  }

  private schedulePing(): void {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => {
      // Armed before sending: any message, even one that arrives before `send` returns, disarms it.
      this.pongTimer ??= setTimeout(() => this.lose(undefined, new Error(`No answer to a ping within ${PONG_TIMEOUT_MS} ms`)), PONG_TIMEOUT_MS);
      if (!this.send({ action: 'ping' })) {
        clearTimeout(this.pongTimer);
        this.pongTimer = undefined;
      }
    }, PING_AFTER_MS);
  }

  private lose(closeCode: number | undefined, cause?: unknown): void {
    if (this.ended) return;
    this.end();
    try {
      this.socket.close();
    } catch {
      // Already closing: nothing left to release.
    }
    this.events.onLost(closeCode, cause);
  }

  private end(): void {
    this.ended = true;
    clearTimeout(this.openTimer);
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    clearTimeout(this.ageTimer);
  }
}

/** The server sends JSON text; anything else is not a message of this protocol and is ignored. */
function parseServerMessage(data: unknown): ServerMessage | undefined {
  let text: string;
  if (typeof data === 'string') text = data;
  else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) text = new TextDecoder().decode(data);
  else return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { type?: unknown }).type === 'string'
      ? (parsed as ServerMessage)
      : undefined;
  } catch {
    return undefined;
  }
}
