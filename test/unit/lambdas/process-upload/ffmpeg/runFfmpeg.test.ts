import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidStateError } from '../../../../../lambdas/shared/errors.js';
import { logger } from '../../../../../lambdas/shared/logger.js';
import type { FfmpegProgress } from '../../../../../lambdas/process-upload/ffmpeg/ffmpegProgress.js';
import { runFfmpeg } from '../../../../../lambdas/process-upload/ffmpeg/runFfmpeg.js';
import { fakeBinary } from '../../../support/fakeBinary.js';

const options = { step: 'the video renditions', timeoutMs: 5000 };

describe('runFfmpeg', () => {
  beforeEach(() => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it('reports -progress blocks as they come and resolves on success', async () => {
    const ffmpeg = await fakeBinary('printf "frame=1\\nout_time_us=500000\\nprogress=continue\\nout_time_us=2000000\\nprogress=end\\n"');
    const reports: FfmpegProgress[] = [];
    await runFfmpeg([], { ...options, ffmpeg, onProgress: (p) => reports.push(p) });
    expect(reports).toEqual([
      { outTimeSeconds: 0.5, done: false },
      { outTimeSeconds: 2, done: true },
    ]);
  });

  it('fails a run that could not decode as TRANSCODE_FAILED with a message for people, stderr to the logs', async () => {
    const ffmpeg = await fakeBinary('echo "Error while decoding stream #0:0: Invalid data found" >&2; exit 1');
    await expect(runFfmpeg([], { ...options, ffmpeg })).rejects.toMatchObject({
      code: 'TRANSCODE_FAILED',
      message: 'Making the video renditions failed: the file could not be decoded (it may be damaged, truncated, or use an unsupported codec)',
      retryable: false,
    });
    expect(logger.warn).toHaveBeenCalledWith('ffmpeg failed making the video renditions', {
      exit: 'exit code 1',
      stderr: ['Error while decoding stream #0:0: Invalid data found'],
    });
  });

  it('fails a run past its time limit as TIMED_OUT', async () => {
    const ffmpeg = await fakeBinary('exec sleep 30');
    await expect(runFfmpeg([], { ...options, ffmpeg, timeoutMs: 100 })).rejects.toMatchObject({ code: 'TIMED_OUT', retryable: false });
  });

  it.each([
    ['SIGSEGV', 'kill -SEGV $$', 'SIGSEGV'],
    ['a SIGKILL it did not send (out of memory)', 'kill -KILL $$', 'SIGKILL'],
    ['exit 139 from a wrapper', 'exit 139', 'signal 11 (exit 139)'],
  ])('takes a crash (%s) for a fault on our side to retry, not for a bad file', async (_, script, crash) => {
    const ffmpeg = await fakeBinary(script);
    await expect(runFfmpeg([], { ...options, ffmpeg })).rejects.toMatchObject({
      code: 'PROCESSING_FAILED',
      message: `ffmpeg crashed (${crash}) making the video renditions`,
      retryable: true,
    });
  });

  it('makes a source fetch failure retryable', async () => {
    const ffmpeg = await fakeBinary('echo "[https @ 0x1] HTTP error 500 Internal Server Error" >&2; exit 1');
    await expect(runFfmpeg([], { ...options, ffmpeg })).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE', retryable: true });
  });

  it('stops when the upload leaves processing and rejects with the reason', async () => {
    const ffmpeg = await fakeBinary('exec sleep 30');
    const controller = new AbortController();
    const cancelled = new InvalidStateError('Upload u1 is cancelled', 'cancelled');
    setTimeout(() => controller.abort(cancelled), 50);
    await expect(runFfmpeg([], { ...options, ffmpeg, signal: controller.signal })).rejects.toBe(cancelled);
  });
});
