import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../../../../client/cli/ProgressReporter.js';

function streamOf(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } };
}

const at = (loadedBytes: number) => ({ loadedBytes, totalBytes: 100, partsDone: 0, partCount: 4 });

describe('ProgressReporter', () => {
  it('redraws one line in place on a terminal, at most every redrawMs, always at the end', () => {
    let now = 0;
    const { writes, stream } = streamOf(true);
    const reporter = new ProgressReporter(stream, { now: () => now, redrawMs: 100 });

    reporter.update(at(0));
    now = 50;
    reporter.update(at(25));
    now = 150;
    reporter.update(at(50));
    now = 160;
    reporter.update(at(100));
    reporter.finish();

    expect(writes.filter((text) => text.startsWith('\r\x1b[2K'))).toHaveLength(3);
    expect(writes.at(-3)).toContain('100.0%');
    expect(writes.at(-2)).toBe('\n');
    expect(writes.at(-1)).toBe('Uploaded in 1s\n');
  });

  it('writes whole lines every lineEveryMs when the output is not a terminal', () => {
    let now = 0;
    const { writes, stream } = streamOf(false);
    const reporter = new ProgressReporter(stream, { now: () => now, lineEveryMs: 5000 });

    for (const [time, loaded] of [
      [0, 0],
      [1000, 10],
      [5000, 40],
      [6000, 60],
      [7000, 100],
    ] as const) {
      now = time;
      reporter.update(at(loaded));
    }

    expect(writes.map((line) => line.match(/\d+\.\d%/)?.[0])).toEqual(['0.0%', '40.0%', '100.0%']);
    expect(writes.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
  });

  it('ends the in-place line before an interruption message', () => {
    const { writes, stream } = streamOf(true);
    const reporter = new ProgressReporter(stream, { now: () => 0 });

    reporter.update(at(10));
    reporter.interrupt();

    expect(writes.at(-1)).toBe('\n');
  });
});
