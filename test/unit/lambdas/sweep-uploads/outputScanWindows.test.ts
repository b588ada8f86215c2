import { describe, expect, it } from 'vitest';
import { ID_SPACE, idPrefixAt, outputScanWindows } from '../../../../lambdas/sweep-uploads/outputScanWindows.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** How much of the id space the windows cover, as a fraction. */
function covered(windows: { from: number; to: number }[]): number {
  return windows.reduce((sum, window) => sum + (window.to - window.from), 0) / ID_SPACE;
}

describe('outputScanWindows', () => {
  it('checks every id in every run when the cycle is no longer than the span between runs', () => {
    expect(outputScanWindows(Date.parse('2025-03-01T12:00:00Z'), 15 * MINUTE, 15 * MINUTE)).toEqual([{ from: 0, to: ID_SPACE }]);
    expect(outputScanWindows(0, 60_000, 1)).toEqual([{ from: 0, to: ID_SPACE }]);
  });

  it('checks the part of the id space the hand passed since the previous run, plus a quarter interval', () => {
    const windows = outputScanWindows(6 * 60 * MINUTE, 15 * MINUTE, DAY);

    expect(windows).toEqual([{ from: Math.floor(ID_SPACE * ((6 * 60 - 18.75) / (24 * 60))), to: ID_SPACE / 4 }]);
    expect(covered(windows)).toBeCloseTo(18.75 / (24 * 60), 6);
  });

  it('wraps round the end of the id space into two windows', () => {
    const windows = outputScanWindows(DAY + 5 * MINUTE, 15 * MINUTE, DAY);

    expect(windows).toHaveLength(2);
    expect(windows[0]).toMatchObject({ to: ID_SPACE });
    expect(windows[1]).toMatchObject({ from: 0, to: Math.floor(ID_SPACE * (5 / (24 * 60))) });
    expect(covered(windows)).toBeCloseTo(18.75 / (24 * 60), 6);
  });

  it('leaves no id unchecked over a cycle of runs, even when each run starts up to a minute late or early', () => {
    const interval = 15 * MINUTE;
    const hits = new Uint8Array(4096);
    for (let run = 0; run < DAY / interval; run += 1) {
      const jitter = ((run * 7919) % 121) * 1000 - 60_000;
      for (const window of outputScanWindows(run * interval + jitter, interval, DAY)) {
        for (let bucket = Math.floor((window.from / ID_SPACE) * 4096); bucket < Math.ceil((window.to / ID_SPACE) * 4096); bucket += 1) {
          hits[bucket] = 1;
        }
      }
    }
    expect(hits.every((hit) => hit === 1)).toBe(true);
  });

  it('names a position by the 8 hex digits ids there start with', () => {
    expect(idPrefixAt(0)).toBe('00000000');
    expect(idPrefixAt(ID_SPACE / 2)).toBe('80000000');
    expect(idPrefixAt(ID_SPACE - 1)).toBe('ffffffff');
  });
});
