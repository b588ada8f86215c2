import { type ByteProgress, formatDuration, formatProgressLine, progressFigures } from './formatProgress.js';

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressReporterOptions {
  readonly now?: () => number;
  /** Shortest time between redraws on a terminal. @default 100 */
  readonly redrawMs?: number;
  /** Time between lines when the output is a file or pipe. @default 5000 */
  readonly lineEveryMs?: number;
  /** What `finish` says was done. @default 'Uploaded' */
  readonly doneLabel?: string;
}

/**
 * Shows transfer progress on stderr: one line redrawn in place on a terminal, or a line every
 * few seconds when redirected (so logs stay readable). The first report sets the baseline,
 * so bytes stored before a resume do not inflate the rate.
 */
export class ProgressReporter {
  private readonly now: () => number;
  private readonly redrawMs: number;
  private readonly lineEveryMs: number;
  private readonly doneLabel: string;
  private startedAt = 0;
  private baselineBytes = 0;
  private lastWriteAt: number | undefined;
  private last: ByteProgress | undefined;
  private drawnInPlace = false;

  constructor(
    private readonly stream: ProgressStream,
    options: ProgressReporterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.redrawMs = options.redrawMs ?? 100;
    this.lineEveryMs = options.lineEveryMs ?? 5000;
    this.doneLabel = options.doneLabel ?? 'Uploaded';
  }

  update(progress: ByteProgress): void {
    const now = this.now();
    if (this.last === undefined) {
      this.startedAt = now;
      this.baselineBytes = progress.loadedBytes;
    }
    this.last = progress;
    const done = progress.loadedBytes >= progress.totalBytes;
    const interval = this.stream.isTTY ? this.redrawMs : this.lineEveryMs;
    if (done || this.lastWriteAt === undefined || now - this.lastWriteAt >= interval) this.draw(now);
  }

  /** Ends the in-place line so later output starts on its own line; prints the elapsed time. */
  finish(): void {
    if (this.last === undefined) return;
    if (this.drawnInPlace) this.stream.write('\n');
    this.drawnInPlace = false;
    this.stream.write(`${this.doneLabel} in ${formatDuration((this.now() - this.startedAt) / 1000)}\n`);
  }

  /** Ends the in-place line before an error or interruption message. */
  interrupt(): void {
    if (this.drawnInPlace) this.stream.write('\n');
    this.drawnInPlace = false;
  }

  private draw(now: number): void {
    const progress = this.last as ByteProgress;
    const line = formatProgressLine(progress, progressFigures(progress, this.baselineBytes, now - this.startedAt));
    this.lastWriteAt = now;
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawnInPlace = true;
    } else {
      this.stream.write(`${line}\n`);
    }
  }
}
