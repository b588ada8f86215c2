/**
 * The part of the WHATWG WebSocket the client uses. Browsers', React Native's and Node 22's
 * global `WebSocket` have it, and so has the `ws` package's class (which `client/node` passes),
 * so the core never imports an implementation.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { readonly code: number }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

/** `readyState` of an open socket (the same in every implementation). */
export const WEBSOCKET_OPEN = 1;
