import { WatchError } from './errors.js';
import type { PipelineConfig } from './types.js';

/** `GET /config` names the WebSocket URL once the server serves live progress. */
type ConfigWithWebSocket = PipelineConfig & { readonly webSocketUrl?: unknown };

const WEBSOCKET_URL = /^wss?:\/\/[^\s]+$/;

export function isWebSocketUrl(value: unknown): value is string {
  return typeof value === 'string' && WEBSOCKET_URL.test(value);
}

/**
 * Where the progress connection goes: the `webSocketUrl` option, else `GET /config`'s
 * `webSocketUrl`. The answer is kept for the client's life, and so is the finding that the
 * server names none; a failed request is asked again at the next connection.
 */
export function webSocketUrlSource(configured: string | undefined, getConfig: () => Promise<PipelineConfig>): () => Promise<string> {
  if (configured !== undefined) {
    const url = Promise.resolve(configured);
    return () => url;
  }
  let found: Promise<string> | undefined;
  return () =>
    (found ??= getConfig().then(
      (config) => {
        const { webSocketUrl } = config as ConfigWithWebSocket;
        if (isWebSocketUrl(webSocketUrl)) return webSocketUrl;
        throw new WatchError(
          'NO_WEBSOCKET_URL',
          webSocketUrl === undefined
            ? 'No WebSocket URL for live progress: pass webSocketUrl to createClient (the stack output WebSocketUrl, or the ws:// URL local mode prints); GET /config names none'
            : `GET /config answered webSocketUrl ${JSON.stringify(webSocketUrl)}, which is not a ws:// or wss:// URL`,
        );
      },
      (error: unknown) => {
        found = undefined;
        throw error;
      },
    ));
}
