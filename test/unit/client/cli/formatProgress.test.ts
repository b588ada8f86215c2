import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatProgressLine, formatRate, progressFigures } from '../../../../client/cli/formatProgress.js';

const MiB = 1024 * 1024;

describe('formatBytes', () => {
  it('uses binary units with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(23 * MiB)).toBe('23.0 MiB');
    expect(formatBytes(1024 * 1024 * MiB)).toBe('1.0 TiB');
  });
});

describe('formatRate', () => {
  it('formats bytes per second, or -- when unknown', () => {
    expect(formatRate(5.25 * MiB)).toBe('5.3 MiB/s');
    expect(formatRate(undefined)).toBe('--');
    expect(formatRate(Number.POSITIVE_INFINITY)).toBe('--');
  });
});

describe('formatDuration', () => {
  it('formats seconds, minutes and hours, rounding up', () => {
    expect(formatDuration(0.2)).toBe('1s');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(65)).toBe('1m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(undefined)).toBe('--');
  });
});

describe('progressFigures', () => {
  it('derives rate and ETA from the bytes sent since the start, not those held before a resume', () => {
    const figures = progressFigures({ loadedBytes: 6 * MiB, totalBytes: 10 * MiB }, 2 * MiB, 2000);

    expect(figures.percent).toBe(60);
    expect(figures.bytesPerSecond).toBe(2 * MiB);
    expect(figures.etaSeconds).toBe(2);
  });

  it('knows no rate before any byte moved', () => {
    expect(progressFigures({ loadedBytes: 2, totalBytes: 10 }, 2, 1000)).toEqual({
      percent: 20,
      bytesPerSecond: undefined,
      etaSeconds: undefined,
    });
  });
});

describe('formatProgressLine', () => {
  it('shows the bar, percent, amounts, rate and ETA', () => {
    const progress = { loadedBytes: 11.5 * MiB, totalBytes: 23 * MiB, partsDone: 2, partCount: 5 };

    expect(formatProgressLine(progress, { percent: 50, bytesPerSecond: 5 * MiB, etaSeconds: 2.3 })).toBe(
      '[############------------]  50.0%  11.5 MiB / 23.0 MiB  5.0 MiB/s  ETA 3s',
    );
  });
});
