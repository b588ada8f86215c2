import type { ProcessResult } from './runProcess.js';

/**
 * What ffmpeg/ffprobe print when the input URL, not the media, is the problem: the original
 * could not be fetched (S3 throttling or a 5xx, a network fault, an expired or refused URL).
 * Such a failure is worth a retry; anything else is about the file itself.
 */
const SOURCE_FAULTS = [
  /Server returned (?:4\d\d|5\d\d|\dXX)/i,
  /HTTP error \d{3}/i,
  /Connection (?:refused|reset|timed out)/i,
  /Operation timed out/i,
  /Failed to resolve hostname/i,
  /Network is unreachable/i,
];

export function isSourceFault(result: ProcessResult): boolean {
  return result.stderrTail.some((line) => SOURCE_FAULTS.some((pattern) => pattern.test(line)));
}

/** How a run ended, for the logs. */
export function describeExit(result: ProcessResult): string {
  if (result.timedOut) return 'killed after its time limit';
  if (result.aborted) return 'stopped (the upload changed state)';
  if (result.signal) return `killed by ${result.signal}`;
  return `exit code ${result.exitCode}`;
}

export function succeeded(result: ProcessResult): boolean {
  return result.exitCode === 0 && !result.timedOut && !result.aborted;
}
