import { ProcessingError } from '../../shared/errors.js';
import { logger } from '../../shared/logger.js';
import { FfmpegProgressParser, type FfmpegProgress } from './ffmpegProgress.js';
import { crashSignal, describeExit, isSourceFault, succeeded } from './ffmpegFailure.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import { runProcess } from './runProcess.js';

export interface RunFfmpegOptions {
  readonly ffmpeg: string;
  /** What the run makes, for messages and logs ("the video renditions"). */
  readonly step: string;
  /** Time left for this run; past it ffmpeg is killed and the upload fails TIMED_OUT. */
  readonly timeoutMs: number;
  /** Aborted when the upload leaves `processing` (cancelled): the run stops and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Receives each `-progress` report (the args must include `-progress pipe:1`). */
  readonly onProgress?: (progress: FfmpegProgress) => void;
  /** Receives the bytes of a `pipe:3` output. */
  readonly onFd3Data?: (chunk: Buffer) => void;
  /** Files fed to a `pipe:0` input, in order. */
  readonly stdinFiles?: readonly string[];
}

/**
 * Runs ffmpeg and turns its failures into processing errors with messages a user can act on.
 * The stderr tail goes to the logs only. An input that could not be fetched, and a crash of
 * ffmpeg itself, are retryable; any other failure is about the file and final.
 */
export async function runFfmpeg(args: readonly string[], options: RunFfmpegOptions): Promise<void> {
  const parser = options.onProgress ? new FfmpegProgressParser() : undefined;
  const onProgress = options.onProgress;
  const result = await runProcess(options.ffmpeg, args, {
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onFd3Data: options.onFd3Data,
    stdinFiles: options.stdinFiles,
    onStdoutLine:
      parser && onProgress
        ? (line) => {
            const progress = parser.push(line);
            if (progress) onProgress(progress);
          }
        : undefined,
  });
  if (succeeded(result)) return;

  logger.warn(`ffmpeg failed making ${options.step}`, { exit: describeExit(result), stderr: result.stderrTail });
  if (result.aborted) throw options.signal?.reason ?? new Error(`ffmpeg was stopped making ${options.step}`);
  if (result.timedOut) {
    throw new ProcessingError(
      FAILURE_CODES.timedOut,
      `Making ${options.step} did not finish within the processing time limit; a shorter or lower-resolution file will process faster`,
    );
  }
  const crash = crashSignal(result);
  if (crash) {
    // Not our kill (that is timedOut/aborted): a crash, or the kernel's kill when memory ran out.
    throw new ProcessingError(FAILURE_CODES.processingFailed, `ffmpeg crashed (${crash}) making ${options.step}`, { retryable: true });
  }
  if (isSourceFault(result)) {
    throw new ProcessingError(FAILURE_CODES.sourceUnavailable, 'The uploaded file could not be read from storage; it will be retried', {
      retryable: true,
    });
  }
  throw new ProcessingError(
    FAILURE_CODES.transcodeFailed,
    `Making ${options.step} failed: the file could not be decoded (it may be damaged, truncated, or use an unsupported codec)`,
  );
}
