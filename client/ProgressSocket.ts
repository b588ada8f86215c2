import { isUploadEvent, type ServerMessage, type UploadEvent } from './protocol.js';
import { WatchError } from './errors.js';
import { ProgressConnection } from './ProgressConnection.js';
import { backoffDelay, type RetryDelay } from './retry.js';
import type { WebSocketConstructor } from './WebSocketLike.js';


/** Times a subscribe answered INTERNAL_ERROR is asked again before its subscribers are told. */
const MAX_FAULT_RETRIES = 5;
/** What a subscriber hears. Events can repeat (an overlap during renewal, a snapshot after a reconnect): drop by `seq`. */
export interface SubscriptionHandlers {
  /** The upload to follow; undefined for all of the caller's uploads. */
  readonly uploadId: string | undefined;
  onEvent(event: UploadEvent): void;
  /** The server confirmed the subscription on a connection (after sending the current state). */
  onSubscribed?(): void;
  /** The server refused the subscription (`NOT_FOUND`, `TOO_MANY_SUBSCRIPTIONS`, …). */
  onRefused?(error: WatchError): void;
  /** The connection was lost or could not be made; another attempt follows after `retryInMs`. */
  onDown?(down: ConnectionDown): void;
  /** Connecting cannot work (no URL): no further attempt is made for this subscription. */
  onFatal?(error: WatchError): void;
}

export interface ConnectionDown {
  /** Failed attempts in a row since a connection last opened (1 for a connection that dropped). */
  readonly attempt: number;
  readonly retryInMs: number;
  /** The close code, when the socket was closed rather than never opened or found dead. */
  readonly closeCode?: number;
  readonly cause?: unknown;
}

export interface ProgressSocketOptions {
  readonly WebSocket: WebSocketConstructor;
  /** Resolves the WebSocket URL; rejects with WatchError `NO_WEBSOCKET_URL` when there is none. */
  readonly url: () => Promise<string>;
  /** Asked before every connection, so a reconnect carries a fresh token. */
  readonly getToken: () => string | Promise<string>;
  readonly reconnectDelay: RetryDelay;
  readonly random?: () => number;
}

/** A connection being made, open, or retired; the holder of `current` and `next` compares these by identity. */
interface Slot {
  connection?: ProgressConnection;
  retired?: true;
}

type Topic = string | undefined;

/**
 * The client's one connection to the progress API, shared by every `watch`, `waitUntilReady`
 * and upload of the client. It connects while anything needs it and closes when nothing does;
 * subscribes every topic again on each new connection; reconnects with jittered exponential
 * backoff (at once after `TOKEN_EXPIRED`, with a fresh token); and before the server's 2-hour
 * limit opens a replacement, moves the subscriptions there, and closes the old connection once
 * the server confirmed them all, so no write falls in a gap.
 */
export class ProgressSocket {
  private readonly topics = new Map<Topic, Set<SubscriptionHandlers>>();
  private leases = 0;
  private current: Slot | undefined;
  /** The replacement being prepared before the 2-hour limit. */
  private next: Slot | undefined;
  /** Topics the replacement still waits to hear `subscribed` for. */
  private readonly unconfirmed = new Set<Topic>();
  private failures = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private shutdownTimer: ReturnType<typeof setTimeout> | undefined;
  /** Subscribes answered INTERNAL_ERROR, by topic: how many times each was asked again. */
  private readonly faultRetries = new Map<Topic, number>();
  private readonly faultTimers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly options: ProgressSocketOptions) {}

  /** Subscribes on the current connection (and every later one) until the returned function is called. */
  subscribe(handlers: SubscriptionHandlers): () => void {
    const topic = handlers.uploadId;
    let set = this.topics.get(topic);
    if (!set) this.topics.set(topic, (set = new Set()));
    set.add(handlers);
    // Sent even when the topic already had a subscriber: the server answers with the current state, which this one has not heard.
    this.sendOnEach({ action: 'subscribe', ...(topic === undefined ? {} : { uploadId: topic }) });
    this.ensureConnected();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      set.delete(handlers);
      if (set.size === 0 && this.topics.get(topic) === set) {
        this.topics.delete(topic);
        this.unconfirmed.delete(topic);
        this.sendOnEach({ action: 'unsubscribe', ...(topic === undefined ? {} : { uploadId: topic }) });
      }
      this.shutdownWhenUnused();
    };
  }

  /** Keeps a connection up without subscribing (an upload reporting its bytes) until the returned function is called. */
  lease(): () => void {
    this.leases += 1;
    this.ensureConnected();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.leases -= 1;
      this.shutdownWhenUnused();
    };
  }

  /** Reports the uploader's byte count when a connection is open; false (and nothing queued) when none is. */
  report(uploadId: string, bytesSent: number): boolean {
    return this.current?.connection?.send({ action: 'progress', uploadId, bytesSent }) ?? false;
  }

  private get inUse(): boolean {
    return this.leases > 0 || this.topics.size > 0;
  }

  private ensureConnected(): void {
    clearTimeout(this.shutdownTimer);
    this.shutdownTimer = undefined;
    if (!this.current && this.retryTimer === undefined && this.inUse) this.current = this.connect();
  }

  /**
   * Deferred by a turn of the event loop: code that finishes one use and starts the next
   * (an upload, then `waitUntilReady`) keeps the same connection.
   */
  private shutdownWhenUnused(): void {
    if (this.inUse || this.shutdownTimer !== undefined) return;
    this.shutdownTimer = setTimeout(() => {
      this.shutdownTimer = undefined;
      if (this.inUse) return;
      clearTimeout(this.retryTimer);
      clearTimeout(this.renewTimer);
      for (const timer of this.faultTimers) clearTimeout(timer);
      this.faultTimers.clear();
      this.faultRetries.clear();
      this.retryTimer = undefined;
      this.renewTimer = undefined;
      for (const slot of [this.current, this.next]) this.retire(slot);
      this.current = undefined;
      this.next = undefined;
      this.unconfirmed.clear();
      this.failures = 0;
    }, 0);
  }

  private connect(): Slot {
    const slot: Slot = {};
    void this.open(slot);
    return slot;
  }

  private async open(slot: Slot): Promise<void> {
    let url: string;
    let token: string;
    try {
      [url, token] = await Promise.all([this.options.url(), this.options.getToken()]);
    } catch (error) {
      if (slot.retired) return;
      if (error instanceof WatchError) this.fatal(slot, error);
      else this.lost(slot, undefined, error);
      return;
    }
    if (slot.retired) return;
    try {
      slot.connection = new ProgressConnection(this.options.WebSocket, url, token, {
        onOpen: () => this.opened(slot),
        onMessage: (message) => this.received(slot, message),
        onLost: (closeCode, cause) => this.lost(slot, closeCode, cause),
        onAged: () => this.renew(slot),
      });
    } catch (error) {
      this.lost(slot, undefined, error);
    }
  }

  private opened(slot: Slot): void {
    this.failures = 0;
    if (slot === this.next) {
      for (const topic of this.topics.keys()) this.unconfirmed.add(topic);
      if (this.unconfirmed.size === 0) this.promote();
    }
    for (const topic of this.topics.keys()) {
      slot.connection?.send({ action: 'subscribe', ...(topic === undefined ? {} : { uploadId: topic }) });
    }
  }

  private received(slot: Slot, message: ServerMessage): void {
    if (isUploadEvent(message)) {
      for (const handlers of this.handlersOf(message.uploadId, undefined)) handlers.onEvent(message);
      return;
    }
    if (message.type === 'subscribed') {
      this.faultRetries.delete(message.uploadId);
      this.confirmed(slot, message.uploadId);
      for (const handlers of this.handlersOf(message.uploadId)) handlers.onSubscribed?.();
    } else if (message.type === 'error') {
      if (message.error.code === 'TOKEN_EXPIRED') {
        // The server closes the connection next; a fresh token is due at once.
        this.retire(slot);
        this.lost(slot, undefined, undefined, true);
      } else if (message.action === 'subscribe' && message.error.code === 'INTERNAL_ERROR' && (this.faultRetries.get(message.uploadId) ?? 0) < MAX_FAULT_RETRIES) {
        // A fault on the server's side, not a refusal: ask again on the same connection, waiting longer each time.
        const topic = message.uploadId;
        const attempt = this.faultRetries.get(topic) ?? 0;
        this.faultRetries.set(topic, attempt + 1);
        const timer = setTimeout(() => {
          this.faultTimers.delete(timer);
          if (this.topics.has(topic)) slot.connection?.send({ action: 'subscribe', ...(topic === undefined ? {} : { uploadId: topic }) });
        }, backoffDelay(attempt, this.options.reconnectDelay, this.options.random));
        this.faultTimers.add(timer);
      } else if (message.action === 'subscribe') {
        // A refusal, or a fault that outlasted the retries: the subscribers hear of it.
        this.faultRetries.delete(message.uploadId);
        this.confirmed(slot, message.uploadId);
        const error = new WatchError(message.error.code, message.error.message, message.uploadId === undefined ? {} : { uploadId: message.uploadId });
        for (const handlers of this.handlersOf(message.uploadId)) handlers.onRefused?.(error);
      }
    }
  }

  /** The replacement heard back for a topic (accepted or refused): once it has for all, it takes over. */
  private confirmed(slot: Slot, topic: Topic): void {
    if (slot !== this.next) return;
    this.unconfirmed.delete(topic);
    if (this.unconfirmed.size === 0) this.promote();
  }

  private renew(slot: Slot): void {
    if (slot === this.current && !this.next && this.inUse) this.next = this.connect();
  }

  private promote(): void {
    const old = this.current;
    this.current = this.next;
    this.next = undefined;
    this.retire(old);
  }

  private lost(slot: Slot, closeCode: number | undefined, cause?: unknown, tokenExpired = false): void {
    if (slot === this.next) {
      // The current connection still serves; try the replacement again later.
      this.next = undefined;
      this.unconfirmed.clear();
      const delay = backoffDelay(this.failures++, this.options.reconnectDelay, this.options.random);
      this.renewTimer = setTimeout(() => {
        this.renewTimer = undefined;
        if (this.current) this.renew(this.current);
      }, delay);
      return;
    }
    if (slot !== this.current) return;
    if (this.next) {
      // Closed at the limit before the replacement was confirmed: the replacement is already subscribing.
      this.current = this.next;
      this.next = undefined;
      this.unconfirmed.clear();
      return;
    }
    this.current = undefined;
    if (!this.inUse) return;
    const attempt = ++this.failures;
    const retryInMs = tokenExpired ? 0 : backoffDelay(attempt - 1, this.options.reconnectDelay, this.options.random);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.ensureConnected();
    }, retryInMs);
    const down: ConnectionDown = { attempt, retryInMs, ...(closeCode === undefined ? {} : { closeCode }), ...(cause === undefined ? {} : { cause }) };
    for (const handlers of this.handlersOf(...this.topics.keys())) handlers.onDown?.(down);
  }

  /** No connection can be made (no URL); a later subscription tries again. */
  private fatal(slot: Slot, error: WatchError): void {
    if (slot === this.next) this.next = undefined;
    if (slot === this.current) this.current = undefined;
    for (const handlers of this.handlersOf(...this.topics.keys())) handlers.onFatal?.(error);
  }

  private retire(slot: Slot | undefined): void {
    if (!slot) return;
    slot.retired = true;
    slot.connection?.close();
  }

  private sendOnEach(message: Parameters<ProgressConnection['send']>[0]): void {
    this.current?.connection?.send(message);
    this.next?.connection?.send(message);
  }

  /** A copy: handlers may unsubscribe while being called. */
  private handlersOf(...topics: Topic[]): SubscriptionHandlers[] {
    return topics.flatMap((topic) => [...(this.topics.get(topic) ?? [])]);
  }
}
