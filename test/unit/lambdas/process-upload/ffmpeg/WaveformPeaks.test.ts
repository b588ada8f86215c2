import { describe, expect, it } from 'vitest';
import { WaveformPeaks } from '../../../../../lambdas/process-upload/ffmpeg/WaveformPeaks.js';

function pcm(samples: readonly number[]): Buffer {
  const buffer = Buffer.alloc(samples.length * 2);
  samples.forEach((sample, i) => buffer.writeInt16LE(sample, i * 2));
  return buffer;
}

describe('WaveformPeaks', () => {
  it('gives the loudest absolute sample of each slice, relative to the loudest overall', () => {
    const waveform = new WaveformPeaks(8000);
    // Four 10 ms blocks: quiet, loud (negative), half, silent.
    waveform.push(pcm([...Array(80).fill(1000), ...Array(80).fill(-20000), ...Array(80).fill(10000), ...Array(80).fill(0)]));
    expect(waveform.result(4)).toEqual({ version: 1, points: 4, sampleRate: 8000, durationSeconds: 0.04, peaks: [0.05, 1, 0.5, 0] });
  });

  it('joins samples split across chunks', () => {
    const whole = pcm([...Array(80).fill(0), ...Array(80).fill(16384)]);
    const waveform = new WaveformPeaks(8000);
    waveform.push(whole.subarray(0, 161));
    waveform.push(whole.subarray(161));
    expect(waveform.result(2).peaks).toEqual([0, 1]);
  });

  it('always gives the requested number of points, repeating blocks for short audio', () => {
    const waveform = new WaveformPeaks(8000);
    waveform.push(pcm(Array(160).fill(100)));
    const result = waveform.result(1000);
    expect(result.peaks).toHaveLength(1000);
    expect(new Set(result.peaks)).toEqual(new Set([1]));
  });

  it('gives zeros for silence and for no audio at all', () => {
    const silent = new WaveformPeaks(8000);
    silent.push(pcm(Array(800).fill(0)));
    expect(new Set(silent.result(10).peaks)).toEqual(new Set([0]));
    expect(new WaveformPeaks(8000).result(3)).toMatchObject({ peaks: [0, 0, 0], durationSeconds: 0 });
  });
});
