import { describe, expect, it } from 'vitest';
import { FfmpegProgressParser, progressPercent } from '../../../../../lambdas/process-upload/ffmpeg/ffmpegProgress.js';

const block = (fields: Record<string, string>, progress = 'continue') => [...Object.entries(fields).map(([k, v]) => `${k}=${v}`), `progress=${progress}`];

describe('FfmpegProgressParser', () => {
  it('reports out_time_us at the end of each block, and done on progress=end', () => {
    const parser = new FfmpegProgressParser();
    const lines = [
      ...block({ frame: '10', out_time_us: '400000', out_time_ms: '400000', out_time: '00:00:00.400000' }),
      ...block({ frame: '75', out_time_us: '3018600', out_time_ms: '3018600' }, 'end'),
    ];
    expect(lines.map((line) => parser.push(line)).filter(Boolean)).toEqual([
      { outTimeSeconds: 0.4, done: false },
      { outTimeSeconds: 3.0186, done: true },
    ]);
  });

  it('falls back to out_time_ms (microseconds, despite its name) and then to out_time', () => {
    const parser = new FfmpegProgressParser();
    expect(block({ out_time_ms: '2500000' }).map((l) => parser.push(l)).at(-1)).toEqual({ outTimeSeconds: 2.5, done: false });
    expect(block({ out_time: '01:02:03.500000' }).map((l) => parser.push(l)).at(-1)).toEqual({ outTimeSeconds: 3723.5, done: false });
  });

  it('reports nothing while the time is N/A, and clamps a negative start to zero', () => {
    const parser = new FfmpegProgressParser();
    expect(block({ out_time_us: 'N/A', out_time: 'N/A' }).map((l) => parser.push(l)).at(-1)).toBeUndefined();
    expect(block({ out_time_us: '-23220' }).map((l) => parser.push(l)).at(-1)).toEqual({ outTimeSeconds: 0, done: false });
    expect(parser.push('garbage without equals')).toBeUndefined();
  });
});

describe('progressPercent', () => {
  it('is the whole percent of the duration reached, within 0 to 100', () => {
    expect(progressPercent(3.0186, 12)).toBe(25);
    expect(progressPercent(13, 12)).toBe(100);
    expect(progressPercent(1, 0)).toBe(0);
  });
});
