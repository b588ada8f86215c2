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

/**
 * The signal that ended a run which neither we killed (time limit, cancel) nor exited by itself:
 * the binary crashed (SIGSEGV, SIGABRT, SIGILL, …) or the kernel killed it (SIGKILL when the
 * function ran out of memory). An exit status above 128 is a signal seen through a wrapper
 * (a shell or an emulator that re-raises it): 139 is SIGSEGV. Such a run says nothing about the
 * file: it is a fault on our side, retried, never a verdict on the media.
 */
export function crashSignal(result: ProcessResult): string | undefined {
  if (result.timedOut || result.aborted) return undefined;
  if (result.signal) return result.signal;
  if (result.exitCode !== null && result.exitCode > 128 && result.exitCode < 160) return `signal ${result.exitCode - 128} (exit ${result.exitCode})`;
  return undefined;
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
