import { AbortError, ApiError, NetworkError } from './errors.js';

/** Exponential backoff bounds: the n-th retry waits about `baseMs × 2ⁿ`, never more than `maxMs`. */
export interface RetryDelay {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY_DELAY: RetryDelay = { baseMs: 300, maxMs: 20_000 };

/**
 * How long to wait before retry number `attempt` (0-based). "Equal jitter": half the
 * exponential step is fixed, so waits really grow, and half is random, so many clients that
 * failed together do not retry in lockstep.
 */
export function backoffDelay(attempt: number, delay: RetryDelay, random: () => number = Math.random): number {
  const step = Math.min(delay.maxMs, delay.baseMs * 2 ** attempt);
  return Math.round(step / 2 + (random() * step) / 2);
}

/** Worth another try: no answer at all, throttling, or a server-side fault. */
export function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  return error instanceof ApiError && (error.status === 429 || error.status >= 500);
}

export function abortErrorFor(signal: AbortSignal): AbortError {
  return new AbortError(undefined, { cause: signal.reason });
}

/** Waits `ms`, or rejects with AbortError as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortErrorFor(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortErrorFor(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions {
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly delay: RetryDelay;
  readonly signal?: AbortSignal;
  readonly shouldRetry?: (error: unknown) => boolean;
  readonly random?: () => number;
}

/** Runs `operation` until it succeeds, fails for good, or the retries are spent; `attempt` counts from 0. */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const shouldRetry = options.shouldRetry ?? isTransient;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= options.retries || !shouldRetry(error) || options.signal?.aborted) throw error;
      await sleep(backoffDelay(attempt, options.delay, options.random), options.signal);
    }
  }
}
