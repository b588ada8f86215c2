import { BYTES_SENT_MIN_INTERVAL_MS, BYTES_SENT_MIN_STEP } from './protocol.js';
import type { UploadProgress } from './uploadOptions.js';

/** The part of ProgressSocket an upload needs. */
export interface BytesSentChannel {
  lease(): () => void;
  report(uploadId: string, bytesSent: number): boolean;
}

/**
 * Tells the server how many bytes an upload has sent, so the uploader's other devices see it
 * move before S3's single event at completion. At most one report every
 * BYTES_SENT_MIN_INTERVAL_MS and only after BYTES_SENT_MIN_STEP more of the file went (the
 * server drops anything more frequent). A report goes out only on an open connection and is
 * never queued or awaited: a missing or broken socket costs the upload nothing. The connection
 * is opened once two or more parts remain (a smaller upload ends before a report could matter).
 */
export class BytesSentReporter {
  private uploadId: string | undefined;
  private lastBytes = 0;
  private lastAt = Number.NEGATIVE_INFINITY;
  private release: (() => void) | undefined;

  constructor(
    private readonly channel: BytesSentChannel,
    private readonly now: () => number = Date.now,
  ) {}

  /** Known once the upload exists. */
  setUploadId(uploadId: string): void {
    this.uploadId = uploadId;
  }

  update(progress: UploadProgress): void {
    if (this.uploadId === undefined) return;
    if (!this.release && progress.partCount - progress.partsDone > 1) this.release = this.channel.lease();
    const now = this.now();
    if (now - this.lastAt < BYTES_SENT_MIN_INTERVAL_MS) return;
    if (progress.loadedBytes - this.lastBytes < BYTES_SENT_MIN_STEP * progress.totalBytes) return;
    if (this.channel.report(this.uploadId, progress.loadedBytes)) {
      this.lastBytes = progress.loadedBytes;
      this.lastAt = now;
    }
  }

  /** The upload settled: the connection may close unless something else uses it. */
  stop(): void {
    this.release?.();
    this.release = undefined;
  }
}
