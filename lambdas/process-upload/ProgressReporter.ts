import { InvalidStateError, NotFoundError } from '../shared/errors.js';
import { logger } from '../shared/logger.js';
import { ProgressThrottle, type ProgressThrottleOptions } from './ProgressThrottle.js';
import { transition } from '../shared/transition.js';
import type { MediaInfo, ProcessingStage } from '../shared/uploadRecord.js';

/**
 * Where each stage sits on the record's one 0-100 progress bar: transcoding is most of the
 * work; probing, thumbnails and publishing are short.
 */
export const STAGE_RANGES: Readonly<Record<ProcessingStage, readonly [number, number]>> = {
  probe: [0, 5],
  transcode: [5, 85],
  thumbnails: [85, 95],
  publish: [95, 100],
};

/**
 * Writes a processing upload's stage and progress through `transition` (processing →
 * processing), so subscribers hear of it. Stage changes are written at once; progress within
 * a stage is throttled and never waits for the write. When a write finds the upload no longer
 * processing (cancelled) or gone (deleted), `signal` aborts with that InvalidStateError or
 * NotFoundError, so running ffmpeg stops; `abort` does the same for what a CancelWatch sees.
 */
export class ProgressReporter {
  private readonly controller = new AbortController();
  private readonly throttle: ProgressThrottle;
  private current: ProcessingStage;
  private inFlight: Promise<void> | undefined;
  /** The progress last written, which a media write keeps. */
  private written: number;

  constructor(
    private readonly uploadId: string,
    initialStage: ProcessingStage,
    throttleOptions?: ProgressThrottleOptions,
  ) {
    this.current = initialStage;
    this.throttle = new ProgressThrottle(throttleOptions);
    this.written = STAGE_RANGES[initialStage][0];
    this.throttle.reset(this.written);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Enters a stage and writes it; throws (and aborts) if the upload left `processing`. */
  async stage(stage: ProcessingStage): Promise<void> {
    this.signal.throwIfAborted();
    await this.inFlight;
    this.current = stage;
    const progress = STAGE_RANGES[stage][0];
    this.throttle.reset(progress);
    await this.write(stage, progress);
  }

  /** Reports progress within the current stage (0-100 of the stage); written when the throttle lets it. */
  report(stagePercent: number): void {
    const [from, to] = STAGE_RANGES[this.current];
    const progress = Math.round(from + ((to - from) * Math.min(100, Math.max(0, stagePercent))) / 100);
    if (this.inFlight || this.signal.aborted || !this.throttle.accept(progress)) return;
    this.inFlight = this.write(this.current, progress)
      .catch((error: unknown) => {
        // Progress is best effort: a failed write is only logged, unless the upload was cancelled or deleted.
        if (!(error instanceof InvalidStateError || error instanceof NotFoundError)) logger.warn('Could not write progress', { uploadId: this.uploadId, error });
      })
      .finally(() => {
        this.inFlight = undefined;
      });
  }

  /**
   * Writes `media` (what is already published, such as the poster) onto the record with the
   * current stage and progress, so clients and subscribers can show it before the upload is
   * `ready`. Throws (and aborts) if the upload left `processing`, so nothing more is encoded.
   */
  async reportMedia(media: MediaInfo): Promise<void> {
    this.signal.throwIfAborted();
    await this.inFlight;
    await this.write(this.current, this.written, media);
  }

  /** Stops the run: `signal` aborts with `reason` (the upload was cancelled or deleted). */
  abort(reason: InvalidStateError | NotFoundError): void {
    if (!this.signal.aborted) this.controller.abort(reason);
  }

  /** Waits for a progress write still in flight. */
  async settle(): Promise<void> {
    await this.inFlight;
  }

  private async write(stage: ProcessingStage, progress: number, media?: MediaInfo): Promise<void> {
    try {
      await transition(this.uploadId, 'processing', 'processing', { stage, progress, ...(media ? { media } : {}) });
      this.written = progress;
    } catch (error) {
      if (error instanceof InvalidStateError || error instanceof NotFoundError) this.abort(error);
      throw error;
    }
  }
}
