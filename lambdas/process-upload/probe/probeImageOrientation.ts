import { logger } from '../../shared/logger.js';
import { ProcessingError } from '../../shared/errors.js';
import { FFPROBE_BASE_ARGS } from '../ffmpeg/ffmpegCommon.js';
import { crashSignal, describeExit, succeeded } from '../ffmpeg/ffmpegFailure.js';
import { FAILURE_CODES } from '../../shared/failureCodes.js';
import type { ProbeOptions } from './probeMedia.js';
import { runProcess } from '../ffmpeg/runProcess.js';
import { type SourceInput, sourceInputArgs } from './sourceInput.js';

/**
 * The EXIF orientation (1 to 8) of an image's first frame, 1 when it has none. ffmpeg does not
 * apply EXIF orientation to stills (only a video's display matrix), but the JPEG decoder
 * exports the tag as frame metadata, so one decoded frame tells it.
 */
export async function probeImageOrientation(source: SourceInput, options: ProbeOptions): Promise<number> {
  const result = await runProcess(
    options.ffprobe,
    [
      ...FFPROBE_BASE_ARGS,
      ...sourceInputArgs(source),
      '-select_streams', 'v:0',
      '-read_intervals', '%+#1',
      '-show_entries', 'frame_tags=Orientation',
      '-print_format', 'json',
    ],
    { captureStdout: true, timeoutMs: options.timeoutMs, signal: options.signal },
  );
  if (result.aborted) throw options.signal?.reason ?? new Error('Orientation probe aborted');
  const crash = crashSignal(result);
  if (crash) {
    throw new ProcessingError(FAILURE_CODES.processingFailed, `ffprobe crashed (${crash}) reading the image orientation`, { retryable: true });
  }
  if (!succeeded(result)) {
    // The image already probed; an unreadable tag only means it stays as stored.
    logger.warn('Could not read the image orientation', { exit: describeExit(result), stderr: result.stderrTail });
    return 1;
  }
  return parseOrientation(result.stdout);
}

export function parseOrientation(json: string): number {
  try {
    const parsed = JSON.parse(json) as { frames?: { tags?: { Orientation?: unknown } }[] };
    const value = Number(String(parsed.frames?.[0]?.tags?.Orientation ?? '1').trim());
    return Number.isInteger(value) && value >= 1 && value <= 8 ? value : 1;
  } catch {
    return 1;
  }
}
