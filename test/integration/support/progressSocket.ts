import WebSocket from 'ws';
import { BEARER_PROTOCOL_PREFIX, PROGRESS_PROTOCOL, type ServerMessage } from '../../../client/protocol.js';

export interface ProgressSocket {
  readonly socket: WebSocket;
  /** Every message so far, in arrival order. */
  readonly messages: ServerMessage[];
  send(message: unknown): void;
  /** Resolves with the first message (from `from` on) that matches, or rejects after `timeoutMs`. */
  waitFor(match: (message: ServerMessage) => boolean, timeoutMs?: number, from?: number): Promise<ServerMessage>;
  /** Resolves with the close code. */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export type TokenTransport = 'subprotocol' | 'query';

/** Opens a live-progress connection the way a browser (subprotocol) or a CLI (`?token=`) does; rejects with the HTTP status of a refused handshake. */
export async function openProgressSocket(url: string, token: string, transport: TokenTransport = 'subprotocol'): Promise<ProgressSocket> {
  const socket =
    transport === 'subprotocol'
      ? new WebSocket(url, [PROGRESS_PROTOCOL, `${BEARER_PROTOCOL_PREFIX}${token}`])
      : new WebSocket(`${url}?token=${encodeURIComponent(token)}`, [PROGRESS_PROTOCOL]);
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse(data.toString()) as ServerMessage);
    for (const waiter of waiters) waiter();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) => reject(new HandshakeRefused(response.statusCode ?? 0)));
    socket.once('error', reject);
  });
  return {
    socket,
    messages,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    waitFor: (match, timeoutMs = 10_000, from = 0) =>
      new Promise<ServerMessage>((resolve, reject) => {
        const check = () => {
          const found = messages.slice(from).find(match);
          if (!found) return false;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`No matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      }),
    closed,
    close: async () => {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(1000);
      await closed;
    },
  };
}

export class HandshakeRefused extends Error {
  constructor(readonly statusCode: number) {
    super(`The handshake was refused with ${statusCode}`);
    this.name = 'HandshakeRefused';
  }
}
