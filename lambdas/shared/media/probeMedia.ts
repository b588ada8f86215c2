import { ProcessingError } from '../errors.js';
import { logger } from '../logger.js';
import { networkInputArgs } from './ffmpegCommon.js';
import { describeExit, isSourceFault, succeeded } from './ffmpegFailure.js';
import { FAILURE_CODES } from './failureCodes.js';
import { ProbeOutput } from './probeOutput.js';
import { runProcess } from './runProcess.js';

export interface ProbeOptions {
  /** The ffprobe binary. */
  readonly ffprobe: string;
  /** Kill ffprobe after this long. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * Probes a file or URL (a presigned GET: ffprobe reads only the headers it needs, with range
 * requests) and returns the format and streams. A file ffprobe cannot read as media is an
 * UNSUPPORTED_MEDIA failure; a URL it could not fetch is a retryable SOURCE_UNAVAILABLE.
 */
export async function probeMedia(input: string, options: ProbeOptions): Promise<ProbeOutput> {
  const result = await runProcess(
    options.ffprobe,
    ['-v', 'error', ...networkInputArgs(input), '-print_format', 'json', '-show_format', '-show_streams', input],
    { captureStdout: true, timeoutMs: options.timeoutMs, signal: options.signal },
  );
  if (!succeeded(result)) {
    logger.warn('ffprobe failed', { exit: describeExit(result), stderr: result.stderrTail });
    if (result.aborted) throw options.signal?.reason ?? new Error('Probe aborted');
    if (result.timedOut || isSourceFault(result)) {
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
