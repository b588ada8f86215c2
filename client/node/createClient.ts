import WebSocket from 'ws';
import { type ClientOptions, createClient as createCoreClient, type MediaPipelineClient } from '../createClient.js';

/**
 * The client for Node: like the core's, with the `ws` package as the WebSocket when none is
 * given (Node 20 has no global WebSocket). Only this entry imports `ws`, so a browser bundle
 * of `client/index.ts` never holds it.
 */
export function createClient(options: ClientOptions): MediaPipelineClient {
  return createCoreClient({ ...options, webSocket: options.webSocket === undefined ? WebSocket : options.webSocket });
}
