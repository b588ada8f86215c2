import { InvalidStateError, NotFoundError } from '../shared/errors.js';
import { findUploadRecord } from '../shared/getUploadRecord.js';
import { logger } from '../shared/logger.js';
import type { ProgressReporter } from './ProgressReporter.js';

/** How often a run checks that its upload is still `processing`. */
export const CANCEL_CHECK_INTERVAL_MS = 5_000;

/**
 * Checks the record while a run works, and stops the run (through the reporter's signal) once
 * the upload is cancelled or deleted. Progress writes notice that too, but only when there is
 * progress to write: a probe, a poster or a stalled read writes none, and must not go on for
 * minutes after the user gave up. One consistent read per interval.
 */
export class CancelWatch {
  private readonly timer: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly uploadId: string,
    private readonly reporter: ProgressReporter,
    intervalMs: number = CANCEL_CHECK_INTERVAL_MS,
  ) {
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    if (this.checking || this.reporter.signal.aborted) return;
    this.checking = true;
    try {
      const record = await findUploadRecord(this.uploadId);
      if (!record) {
        this.reporter.abort(new NotFoundError(`Upload ${this.uploadId} was deleted while it was processed`));
      } else if (record.status !== 'processing') {
        this.reporter.abort(new InvalidStateError(`Upload ${this.uploadId} is ${record.status}; it left processing`, record.status));
      }
    } catch (error) {
      // A failed check only delays the next one; the run's own writes still notice a cancel.
      logger.warn('Could not check whether the upload is still processing', { uploadId: this.uploadId, error });
    } finally {
      this.checking = false;
    }
  }
}
