export interface ProgressThrottleOptions {
  /** Least time between two writes, in milliseconds. @default 2000 */
  readonly minIntervalMs?: number;
  /** Least change in percentage points between two writes. @default 5 */
  readonly minStep?: number;
  /** Clock in milliseconds; tests fix it. @default Date.now */
  readonly now?: () => number;
}

/**
 * Decides which progress values are worth a record write: each write costs a DynamoDB update
 * and a WebSocket push to every subscriber, while ffmpeg reports twice a second. A value
 * passes when it is the first, or when both enough time has passed and it moved far enough.
 */
export class ProgressThrottle {
  private readonly minIntervalMs: number;
  private readonly minStep: number;
  private readonly now: () => number;
  private last: { readonly value: number; readonly at: number } | undefined;

  constructor(options: ProgressThrottleOptions = {}) {
    this.minIntervalMs = options.minIntervalMs ?? 2000;
    this.minStep = options.minStep ?? 5;
    this.now = options.now ?? Date.now;
  }

  /** Whether `value` should be written now; a value that passes becomes the new reference. */
  accept(value: number): boolean {
    const at = this.now();
    if (this.last !== undefined && (at - this.last.at < this.minIntervalMs || Math.abs(value - this.last.value) < this.minStep)) {
      return false;
    }
    this.last = { value, at };
    return true;
  }

  /** Records a value written outside the throttle (a stage change), so the next one is measured from it. */
  reset(value: number): void {
    this.last = { value, at: this.now() };
  }
}
