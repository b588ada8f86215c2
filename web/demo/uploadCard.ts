import type { MediaInfo, PublicUpload, UploadEvent } from '../../client/index.js';
import { isFinalStatus } from '../../client/index.js';
import { element, renderMedia } from './mediaView.js';

export interface CardActions {
  cancel(uploadId: string): void;
  remove(uploadId: string): void;
}

const STAGES: Readonly<Record<string, string>> = { probe: 'checking', transcode: 'transcoding', thumbnails: 'thumbnails', publish: 'publishing' };

export function describeBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * One upload on the page: its name, its state in words with a progress bar (bytes while it
 * uploads, the stage and percent while it is processed), the result once ready, and Cancel or
 * Delete. `data-status` and `data-upload-id` say the same for scripts and tests.
 */
export class UploadCard {
  readonly root: HTMLLIElement;
  private readonly status = element('p', 'status');
  private readonly bar = element('progress');
  private readonly button = element('button', 'action');
  private readonly result = element('div', 'result');
  private lastSeq = 0;
  private upload: { status: string; size: number; media?: MediaInfo; filename: string };
  private shownMedia: MediaInfo | undefined;

  constructor(record: PublicUpload, actions: CardActions) {
    this.upload = { status: record.status, size: record.size, filename: record.filename, ...(record.media ? { media: record.media } : {}) };
    this.root = element('li', 'upload');
    this.root.dataset.uploadId = record.uploadId;
    this.root.dataset.kind = record.kind;
    const title = element('h3', undefined, record.filename);
    const facts = element('p', 'facts', `${record.kind} · ${record.sizeMode === 'open' && record.status === 'initiated' ? 'size not declared' : describeBytes(record.size)}`);
    this.button.type = 'button';
    this.button.addEventListener('click', () => {
      if (isFinalStatus(this.upload.status as PublicUpload['status'])) actions.remove(record.uploadId);
      else actions.cancel(record.uploadId);
    });
    this.bar.max = 100;
    this.root.append(title, facts, this.status, this.bar, this.result, this.button);
    this.show(record);
  }

  /** A record read from the API. */
  show(record: PublicUpload): void {
    if (record.seq !== undefined && record.seq < this.lastSeq) return;
    this.lastSeq = record.seq ?? this.lastSeq;
    this.apply(record.status, {
      ...(record.progress === undefined ? {} : { progress: record.progress }),
      ...(record.stage === undefined ? {} : { stage: record.stage }),
      ...(record.bytesSent === undefined ? {} : { bytesSent: record.bytesSent }),
      ...(record.media ? { media: record.media } : {}),
      ...(record.error ? { error: record.error.message } : {}),
      size: record.size,
    });
  }

  /** A live-progress message; stale ones (at or below the last `seq`) are dropped. */
  event(event: UploadEvent): void {
    if (event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    this.apply(event.status, {
      ...(event.progress === undefined ? {} : { progress: event.progress }),
      ...(event.stage === undefined ? {} : { stage: event.stage }),
      ...(event.bytesSent === undefined ? {} : { bytesSent: event.bytesSent }),
      ...(event.media && Object.keys(event.media).length > 0 ? { media: event.media as MediaInfo } : {}),
      ...(event.error?.message ? { error: event.error.message } : {}),
      ...(event.totalBytes ? { size: event.totalBytes } : {}),
    });
  }

  /** Bytes the picker has sent (Uppy's own count, which the API never hears). */
  bytes(sent: number, total: number): void {
    if (this.upload.status !== 'initiated') return;
    this.status.textContent = `Uploading · ${describeBytes(sent)} of ${describeBytes(total)}`;
    this.bar.value = total > 0 ? Math.round((sent / total) * 100) : 0;
  }

  needsMedia(): boolean {
    return this.upload.status === 'ready' && this.upload.media === undefined;
  }

  private apply(
    status: string,
    facts: { progress?: number; stage?: string; bytesSent?: number; media?: MediaInfo; error?: string; size?: number },
  ): void {
    this.upload = { ...this.upload, status, ...(facts.size ? { size: facts.size } : {}), ...(facts.media ? { media: facts.media } : {}) };
    this.root.dataset.status = status;
    this.bar.hidden = false;
    switch (status) {
      case 'initiated':
        if (facts.bytesSent !== undefined) this.bytes(facts.bytesSent, this.upload.size);
        else if (!this.status.textContent) this.status.textContent = 'Uploading';
        break;
      case 'uploaded':
        this.status.textContent = 'Uploaded · waiting for processing';
        this.bar.removeAttribute('value');
        break;
      case 'processing':
        this.status.textContent = `Processing · ${STAGES[facts.stage ?? ''] ?? 'starting'} ${Math.round(facts.progress ?? 0)}%`;
        this.bar.value = facts.progress ?? 0;
        break;
      case 'ready':
        this.status.textContent = 'Ready';
        this.bar.hidden = true;
        break;
      case 'failed':
        this.status.textContent = `Failed: ${facts.error ?? 'processing did not succeed'}`;
        this.bar.hidden = true;
        break;
      default:
        this.status.textContent = status === 'cancelled' ? 'Cancelled' : 'Expired: it was not completed in time';
        this.bar.hidden = true;
    }
    this.button.textContent = isFinalStatus(status as PublicUpload['status']) ? 'Delete' : 'Cancel';
    if (status === 'ready' && this.upload.media && this.shownMedia === undefined) {
      this.shownMedia = this.upload.media;
      renderMedia(this.result, this.upload.media, this.upload.filename);
    }
  }
}
