import { ProcessingError } from '../../shared/errors.js';
import { logger } from '../../shared/logger.js';
import { FFPROBE_BASE_ARGS } from '../ffmpeg/ffmpegCommon.js';
import { crashSignal, describeExit, isSourceFault, succeeded } from '../ffmpeg/ffmpegFailure.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import { ProbeOutput } from '../ffmpeg/probeOutput.js';
import { runProcess } from '../ffmpeg/runProcess.js';
import { probeSourceArgs } from './sourceInput.js';

/**
 * How long a probe may take. A real file's headers are read in well under a second; a file
 * built to keep ffprobe busy (or one it cannot make sense of) gets no more than this.
 */
export const PROBE_TIMEOUT_MS = 60_000;

export interface ProbeOptions {
  /** The ffprobe binary. */
  readonly ffprobe: string;
  /** Kill ffprobe after this long: the smaller of PROBE_TIMEOUT_MS and the time left for processing. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Probes an original (ffprobe reads only the headers it needs, with range requests) with only
 * the demuxers this pipeline accepts, and returns the format and streams.
 *
 * - A file ffprobe refuses, or cannot finish reading within PROBE_TIMEOUT_MS: final
 *   UNSUPPORTED_MEDIA. Retrying cannot change the file.
 * - An original it could not fetch: retryable SOURCE_UNAVAILABLE.
 * - ffprobe crashing or killed: a retryable fault on our side (PROCESSING_FAILED once retries
 *   run out), never a verdict that the file is bad.
 */
export async function probeMedia(url: string, options: ProbeOptions): Promise<ProbeOutput> {
  const result = await runProcess(
    options.ffprobe,
    [...FFPROBE_BASE_ARGS, ...probeSourceArgs(url), '-print_format', 'json', '-show_format', '-show_streams'],
    { captureStdout: true, timeoutMs: options.timeoutMs, signal: options.signal },
  );
  if (!succeeded(result)) {
    logger.warn('ffprobe failed', { exit: describeExit(result), stderr: result.stderrTail });
    if (result.aborted) throw options.signal?.reason ?? new Error('Probe aborted');
    const crash = crashSignal(result);
    if (crash) {
      throw new ProcessingError(FAILURE_CODES.processingFailed, `ffprobe crashed (${crash}) reading the original`, { retryable: true });
    }
    if (result.timedOut) {
      throw new ProcessingError(
        FAILURE_CODES.unsupportedMedia,
        `The file could not be read as audio, video or an image within ${Math.round(options.timeoutMs / 1000)} s: it is not a media file this pipeline accepts`,
      );
    }
    if (isSourceFault(result)) {
      throw new ProcessingError(FAILURE_CODES.sourceUnavailable, 'The uploaded file could not be read from storage; it will be retried', {
        retryable: true,
      });
    }
    throw new ProcessingError(
      FAILURE_CODES.unsupportedMedia,
      'The file could not be read as audio, video or an image: it is damaged, truncated, or not a media file',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch (cause) {
    throw new ProcessingError(FAILURE_CODES.unsupportedMedia, 'The file could not be read as audio, video or an image', { cause });
  }
  const parsed = ProbeOutput.safeParse(json);
  if (!parsed.success) {
    logger.warn('ffprobe output has an unexpected shape', { issues: parsed.error.issues.slice(0, 3) });
    throw new ProcessingError(FAILURE_CODES.unsupportedMedia, 'The file could not be read as audio, video or an image');
  }
  return parsed.data;
}
