import type { UploadRecord, UploadStatus } from './uploadRecord.js';

/** What a successful transition tells its listeners. */
export interface StateChange {
  readonly previousStatus: UploadStatus | undefined;
  readonly record: UploadRecord;
}

export type StateChangeListener = (change: StateChange) => Promise<void>;

const listeners: StateChangeListener[] = [];

/**
 * Registers a listener that hears every successful state write (the WebSocket publisher
 * plugs in here). Returns a function that removes it again.
 */
export function onStateChange(listener: StateChangeListener): () => void {
  listeners.push(listener);
  return () => {
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  };
}

/**
 * Tells every listener. A listener's failure never undoes or fails the write that already
 * happened: it is reported and the rest still run.
 */
export async function notifyStateChange(change: StateChange, onListenerError: (error: unknown) => void): Promise<void> {
  const results = await Promise.allSettled(listeners.map((listener) => listener(change)));
  for (const result of results) {
    if (result.status === 'rejected') onListenerError(result.reason);
  }
}
