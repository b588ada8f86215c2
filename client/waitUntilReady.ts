import type { MediaPipelineApi } from './createApi.js';
import { UploadNotReadyError } from './errors.js';
import { isFinalStatus } from './isFinalStatus.js';
import type { ProgressSocket } from './ProgressSocket.js';
import { abortErrorFor, backoffDelay, isTransient, type RetryDelay, sleep, withRetries } from './retry.js';
import type { PublicUpload } from './types.js';

/** What both a live event and a polled record say about an upload's state. */
export type UploadState = Pick<PublicUpload, 'uploadId' | 'status' | 'seq' | 'progress' | 'stage' | 'bytesSent' | 'error'>;

export interface WaitOptions {
  /** Rejects with AbortError; the upload goes on on the server. */
  readonly signal?: AbortSignal;
  /** Each new state on the way (from the socket or a poll), for a progress display. */
  readonly onUpdate?: (state: UploadState) => void;
}

export interface WaitContext {
  readonly api: Pick<MediaPipelineApi, 'getUpload'>;
  /** Undefined when the client has no WebSocket: then it polls from the start. */
  readonly socket: ProgressSocket | undefined;
  readonly pollDelay: RetryDelay;
  readonly retryDelay: RetryDelay;
  readonly random?: () => number;
}

/** Transient failures of the final `GET /uploads/{id}` retried before giving up. */
const FINAL_READ_RETRIES = 5;

/**
 * Resolves with the upload's record once it is `ready`; rejects with UploadNotReadyError
 * (carrying the upload's error code) once it is `failed`, `cancelled` or `expired`. Listens on
 * the progress socket; while the socket is down, cannot connect or is refused, it polls
 * `GET /uploads/{id}` with backoff instead (transient failures of a poll are waited out; an
 * ApiError such as `NOT_FOUND` rejects). Subscribing answers with the current state, so an
 * upload that is already final settles at once.
 */
export function waitUntilReady(uploadId: string, options: WaitOptions, context: WaitContext): Promise<PublicUpload> {
  return new Promise<PublicUpload>((resolve, reject) => {
    const caller = options.signal;
    if (caller?.aborted) {
      reject(abortErrorFor(caller));
      return;
    }
    // Stops this wait's own requests and sleeps once it is settled, whichever way.
    const controller = new AbortController();
    const { signal } = controller;
    let settled = false;
    let unsubscribe: (() => void) | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      caller?.removeEventListener('abort', onAbort);
      unsubscribe?.();
      controller.abort();
      outcome();
    };
    const fail = (error: unknown) => finish(() => reject(error));
    const succeed = (record: PublicUpload) => finish(() => resolve(record));
    const onAbort = () => fail(abortErrorFor(caller as AbortSignal));
    caller?.addEventListener('abort', onAbort, { once: true });

    let lastSeq: number | undefined;
    let last: UploadState | undefined;
    /** True when the state is new; false for a repeat or an older write. A final state other than ready settles the wait. */
    const accept = (state: UploadState): boolean => {
      if (state.seq !== undefined && lastSeq !== undefined && state.seq <= lastSeq) return false;
      if (state.seq === undefined && last !== undefined && sameState(state, last)) return false;
      lastSeq = state.seq ?? lastSeq;
      last = state;
      options.onUpdate?.(state);
      if (state.status !== 'ready' && isFinalStatus(state.status)) fail(new UploadNotReadyError(uploadId, state.status, state.error));
      return true;
    };

    const readRecord = async (): Promise<PublicUpload> => {
      const { uploadedParts: _parts, ...record } = await context.api.getUpload(uploadId, { signal });
      return record;
    };

    /** Set while the socket has confirmed the subscription on a connection; polling stops then. */
    let live = false;
    let polling = false;
    const poll = async () => {
      if (polling || settled) return;
      polling = true;
      try {
        for (let attempt = 0; !live && !settled; ) {
          let record: PublicUpload | undefined;
          try {
            record = await readRecord();
          } catch (error) {
            if (settled) return;
            if (!isTransient(error)) throw error;
          }
          if (record !== undefined && record.status === 'ready') {
            accept(record);
            succeed(record);
            return;
          }
          const changed = record !== undefined && accept(record);
          if (settled) return;
          attempt = changed ? 0 : attempt + 1;
          await sleep(backoffDelay(attempt, context.pollDelay, context.random), signal);
        }
      } catch (error) {
        fail(error);
      } finally {
        polling = false;
      }
    };

    if (!context.socket) {
      void poll();
      return;
    }
    let listening = true;
    const pollInstead = () => {
      listening = false;
      live = false;
      unsubscribe?.();
      unsubscribe = undefined;
      void poll();
    };
    unsubscribe = context.socket.subscribe({
      uploadId,
      onEvent: (event) => {
        if (!accept(event) || event.status !== 'ready') return;
        // The event carries the media but not the whole record: read it once.
        withRetries(readRecord, { retries: FINAL_READ_RETRIES, delay: context.retryDelay, signal, ...(context.random ? { random: context.random } : {}) }).then(
          succeed,
          fail,
        );
      },
      onSubscribed: () => {
        live = true;
      },
      onDown: () => {
        live = false;
        void poll();
      },
      onRefused: pollInstead,
      onFatal: pollInstead,
    });
    // Settled or refused by a message delivered while subscribing, before `unsubscribe` was known.
    if (settled || !listening) {
      unsubscribe();
      unsubscribe = undefined;
    }
  });
}

function sameState(a: UploadState, b: UploadState): boolean {
  return a.status === b.status && a.stage === b.stage && a.progress === b.progress && a.bytesSent === b.bytesSent;
}
