/** The part of `process` the CLI's Ctrl-C handling uses. */
export interface SignalSource {
  on(signal: 'SIGINT', listener: () => void): unknown;
  exit(code: number): never;
}

export interface InterruptOptions {
  /** @default Date.now */
  readonly now?: () => number;
}

/** Exit code of a process stopped by Ctrl-C (128 + SIGINT). */
const EXIT_INTERRUPTED = 130;
/**
 * npx and npm relay Ctrl-C to the CLI while the terminal also sends it to the whole process
 * group, so one keypress can arrive twice a few milliseconds apart: a repeat that quick is the
 * same keypress and must not skip the resume hint.
 */
const REPEATED_SIGNAL_MS = 1000;

/**
 * A signal that aborts on the first Ctrl-C (requests stop, the CLI prints how to resume);
 * a later Ctrl-C exits with 130 at once.
 */
export function interruptOnSignal(source: SignalSource, options: InterruptOptions = {}): AbortSignal {
  const now = options.now ?? Date.now;
  const controller = new AbortController();
  let interruptedAt: number | undefined;
  source.on('SIGINT', () => {
    if (interruptedAt === undefined) {
      interruptedAt = now();
      controller.abort();
    } else if (now() - interruptedAt >= REPEATED_SIGNAL_MS) {
      source.exit(EXIT_INTERRUPTED);
    }
  });
  return controller.signal;
}
