import { linkSignal } from './linkSignal.js';
import type { PublicUpload } from './types.js';

export type UploadRun = (signal: AbortSignal, onUploadId: (uploadId: string) => void) => Promise<PublicUpload>;

/**
 * An upload under way. `abort()` stops it and leaves it resumable; `cancel()` stops it and
 * deletes it on the server, so S3 drops the parts already sent.
 */
export class UploadTask {
  readonly result: Promise<PublicUpload>;
  private readonly controller = new AbortController();
  private id: string | undefined;

  constructor(
    run: UploadRun,
    private readonly remove: (uploadId: string) => Promise<unknown>,
    signal?: AbortSignal,
  ) {
    const unlink = linkSignal(signal, this.controller);
    this.result = run(this.controller.signal, (uploadId) => {
      this.id = uploadId;
    }).finally(unlink);
  }

  /** Known once the API has created the upload. */
  get uploadId(): string | undefined {
    return this.id;
  }

  abort(reason?: unknown): void {
    this.controller.abort(reason);
  }

  /** Aborts, waits for requests in flight to stop, then deletes the upload unless it had already finished. */
  async cancel(): Promise<void> {
    this.abort();
    const finished = await this.result.then(
      () => true,
      () => false,
    );
    if (!finished && this.id !== undefined) await this.remove(this.id);
  }
}
