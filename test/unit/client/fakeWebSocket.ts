import type { ClientMessage, ServerMessage, UploadEvent } from '../../../client/protocol.js';
import type { UploadStatus } from '../../../lambdas/shared/uploadRecord.js';
import type { WebSocketConstructor, WebSocketLike } from '../../../client/WebSocketLike.js';

// `any`: one store for the four listener shapes WebSocketLike declares.
type Listener = (event: any) => void;

/**
 * One client socket of a fake progress server: the test plays the server (accept, push, drop)
 * and reads what the client sent. Nothing touches the network.
 */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: ClientMessage[] = [];
  /** The close code the client asked for, once it closed the socket itself. */
  closedByClient: number | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    readonly url: string,
    readonly protocols: string[],
    private readonly server: FakeProgressServer,
  ) {}

  /** The JWT the client offered as a `bearer.` subprotocol. */
  get token(): string | undefined {
    return this.protocols.find((protocol) => protocol.startsWith('bearer.'))?.slice('bearer.'.length);
  }

  get isOpen(): boolean {
    return this.readyState === 1;
  }

  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    const message = JSON.parse(data) as ClientMessage;
    this.sent.push(message);
    this.server.onMessage?.(this, message);
  }

  close(code?: number): void {
    if (this.readyState >= 2) return;
    this.closedByClient = code ?? 1005;
    this.readyState = 3;
    this.emit('close', { code: code ?? 1005 });
  }

  // The server's side.

  accept(): void {
    this.readyState = 1;
    this.emit('open', {});
  }

  /** The handshake fails (a refused token, nothing listening): error, then close 1006. */
  refuse(): void {
    this.emit('error', { error: new Error('handshake refused') });
    this.readyState = 3;
    this.emit('close', { code: 1006 });
  }

  push(message: ServerMessage): void {
    this.emit('message', { data: JSON.stringify(message) });
  }

  drop(code = 1006): void {
    this.readyState = 3;
    this.emit('close', { code });
  }

  /** The `subscribe` actions received, by upload id (undefined: all of the caller's uploads). */
  subscriptions(): (string | undefined)[] {
    return this.sent.flatMap((message) => (message.action === 'subscribe' ? [message.uploadId] : []));
  }

  sentOf<A extends ClientMessage['action']>(action: A): Extract<ClientMessage, { action: A }>[] {
    return this.sent.filter((message): message is Extract<ClientMessage, { action: A }> => message.action === action);
  }

  private emit(type: string, event: unknown): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(event);
  }
}

export class FakeProgressServer {
  readonly sockets: FakeSocket[] = [];
  /** Called for each socket the client constructs (e.g. to accept it at once). */
  onConnect: ((socket: FakeSocket) => void) | undefined;
  /** Called for each message a client sends. */
  onMessage: ((socket: FakeSocket, message: ClientMessage) => void) | undefined;

  readonly WebSocket: WebSocketConstructor = (() => {
    const server = this;
    return class extends FakeSocket {
      constructor(url: string, protocols: string[]) {
        super(url, protocols, server);
        server.sockets.push(this);
        server.onConnect?.(this);
      }
    };
  })();

  latest(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('The client opened no socket');
    return socket;
  }

  /** Accepts every socket at once and answers each subscribe with `subscribed`, like a server with nothing to report. */
  acceptAll(snapshot: (uploadId: string | undefined) => UploadEvent[] = () => []): this {
    this.onConnect = (socket) => queueMicrotask(() => socket.accept());
    this.onMessage = (socket, message) => {
      if (message.action !== 'subscribe') return;
      for (const event of snapshot(message.uploadId)) socket.push(event);
      socket.push({ type: 'subscribed', ...(message.uploadId === undefined ? {} : { uploadId: message.uploadId }) });
    };
    return this;
  }
}

const TYPES: Readonly<Record<UploadStatus, UploadEvent['type']>> = {
  initiated: 'progress',
  uploaded: 'progress',
  processing: 'progress',
  ready: 'complete',
  failed: 'error',
  cancelled: 'error',
  expired: 'error',
};

/** An upload's event as the server sends it. */
export function uploadEvent(uploadId: string, seq: number, status: UploadStatus, extra: Partial<UploadEvent> = {}): UploadEvent {
  return {
    type: TYPES[status],
    uploadId,
    seq,
    status,
    totalBytes: 100,
    filename: 'clip.mp4',
    at: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}
