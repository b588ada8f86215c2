import { describe, expect, it, vi } from 'vitest';
import { AbortError, ApiError, NetworkError } from '../../../client/errors.js';
import { backoffDelay, isTransient, sleep, withRetries } from '../../../client/retry.js';

const DELAY = { baseMs: 100, maxMs: 1000 };

describe('backoffDelay', () => {
  it('doubles each attempt, half fixed and half random', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, DELAY, () => 0))).toEqual([50, 100, 200, 400]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, DELAY, () => 1))).toEqual([100, 200, 400, 800]);
  });

  it('never waits longer than maxMs', () => {
    expect(backoffDelay(20, DELAY, () => 1)).toBe(1000);
    expect(backoffDelay(20, DELAY, () => 0)).toBe(500);
  });
});

describe('isTransient', () => {
  it('retries network errors, throttling and server faults, not client errors', () => {
    expect(isTransient(new NetworkError('https://x'))).toBe(true);
    expect(isTransient(new ApiError(429, 'TOO_MANY_REQUESTS', 'slow down'))).toBe(true);
    expect(isTransient(new ApiError(503, 'HTTP_503', 'unavailable'))).toBe(true);
    expect(isTransient(new ApiError(404, 'NOT_FOUND', 'gone'))).toBe(false);
    expect(isTransient(new AbortError())).toBe(false);
  });
});

describe('withRetries', () => {
  it('retries a transient failure with growing waits until it succeeds', async () => {
    vi.useFakeTimers();
    try {
      const operation = vi
        .fn<(attempt: number) => Promise<string>>()
        .mockRejectedValueOnce(new NetworkError('https://x'))
        .mockRejectedValueOnce(new ApiError(502, 'HTTP_502', 'bad gateway'))
        .mockResolvedValue('done');

      const result = withRetries(operation, { retries: 5, delay: DELAY, random: () => 0 });
      await vi.advanceTimersByTimeAsync(49);
      expect(operation).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(operation).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(100);

      await expect(result).resolves.toBe('done');
      expect(operation.mock.calls.map(([attempt]) => attempt)).toEqual([0, 1, 2]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('throws the last error once the retries are spent', async () => {
    const failure = new ApiError(500, 'INTERNAL_ERROR', 'boom');
    const operation = vi.fn(async () => {
      throw failure;
    });

    await expect(withRetries(operation, { retries: 2, delay: { baseMs: 1, maxMs: 1 } })).rejects.toBe(failure);
    expect(operation).toHaveBeenCalledTimes(3);
  });

  it('does not retry an error that is not transient', async () => {
    const operation = vi.fn(async () => {
      throw new ApiError(400, 'INVALID_REQUEST', 'bad');
    });

    await expect(withRetries(operation, { retries: 5, delay: DELAY })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(operation).toHaveBeenCalledTimes(1);
  });
});

describe('sleep', () => {
  it('rejects with AbortError as soon as the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();

    await expect(waiting).rejects.toBeInstanceOf(AbortError);
  });
});
