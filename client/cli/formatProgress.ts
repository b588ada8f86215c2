/** Bytes moved of a transfer (an upload's `UploadProgress`, a download's `DownloadProgress`). */
export interface ByteProgress {
  readonly loadedBytes: number;
  readonly totalBytes: number;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `512 B`, `1.5 KiB`, `23.0 MiB`: binary units, one decimal above bytes. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `5.2 MiB/s`, or `--` while no rate is known yet. */
export function formatRate(bytesPerSecond: number | undefined): string {
  return bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond) ? '--' : `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** `42s`, `3m05s`, `1h02m`, or `--` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '--';
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

export interface ProgressFigures {
  readonly percent: number;
  /** Bytes per second sent in this session (bytes stored before a resume do not count). */
  readonly bytesPerSecond: number | undefined;
  readonly etaSeconds: number | undefined;
}

/**
 * Rate and ETA from the bytes sent since `startedAt`, when `baselineBytes` were already
 * stored (a resume). Unknown until some bytes have moved.
 */
export function progressFigures(progress: ByteProgress, baselineBytes: number, elapsedMs: number): ProgressFigures {
  const percent = progress.totalBytes === 0 ? 100 : (progress.loadedBytes / progress.totalBytes) * 100;
  const sent = progress.loadedBytes - baselineBytes;
  if (sent <= 0 || elapsedMs <= 0) return { percent, bytesPerSecond: undefined, etaSeconds: undefined };
  const bytesPerSecond = sent / (elapsedMs / 1000);
  return { percent, bytesPerSecond, etaSeconds: (progress.totalBytes - progress.loadedBytes) / bytesPerSecond };
}

const BAR_WIDTH = 24;

/** `[###########-------------]  48.3%  11.1 MiB / 23.0 MiB  5.2 MiB/s  ETA 2s` */
export function formatProgressLine(progress: ByteProgress, figures: ProgressFigures): string {
  const filled = Math.min(BAR_WIDTH, Math.floor((figures.percent / 100) * BAR_WIDTH));
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const percent = `${figures.percent.toFixed(1)}%`.padStart(6);
  const amount = `${formatBytes(progress.loadedBytes)} / ${formatBytes(progress.totalBytes)}`;
  return `${bar} ${percent}  ${amount}  ${formatRate(figures.bytesPerSecond)}  ETA ${formatDuration(figures.etaSeconds)}`;
}
