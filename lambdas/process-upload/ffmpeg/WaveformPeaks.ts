/** Points in a waveform, whatever the duration: enough for a full-width bar on any screen. */
export const WAVEFORM_POINTS = 1000;
/** Samples folded into one block while streaming: 10 ms at 8 kHz. */
const BLOCK_SAMPLES = 80;

export interface Waveform {
  readonly version: 1;
  /** Number of peaks. */
  readonly points: number;
  readonly sampleRate: number;
  readonly durationSeconds: number;
  /** Loudest absolute sample of each slice, 0 to 1 relative to the loudest in the file (all 0 for silence). */
  readonly peaks: readonly number[];
}

/**
 * Builds waveform peaks from mono signed 16-bit little-endian PCM as ffmpeg streams it. Memory
 * stays small for any length: samples are folded into 10 ms block maxima as they arrive
 * (an hour is 360,000 numbers), and `result()` folds the blocks into a fixed number of peaks.
 */
export class WaveformPeaks {
  private readonly blocks: number[] = [];
  private blockMax = 0;
  private blockFill = 0;
  private carry: Buffer | undefined;
  private samples = 0;

  constructor(private readonly sampleRate: number) {}

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.carry) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    const whole = data.length - (data.length % 2);
    if (whole < data.length) this.carry = data.subarray(whole);
    for (let offset = 0; offset < whole; offset += 2) {
      const amplitude = Math.abs(data.readInt16LE(offset));
      if (amplitude > this.blockMax) this.blockMax = amplitude;
      this.blockFill += 1;
      if (this.blockFill === BLOCK_SAMPLES) this.closeBlock();
    }
    this.samples += whole / 2;
  }

  result(points = WAVEFORM_POINTS): Waveform {
    if (this.blockFill > 0) this.closeBlock();
    const count = this.blocks.length;
    const peaks = new Array<number>(points).fill(0);
    if (count > 0) {
      for (let i = 0; i < points; i += 1) {
        const from = Math.floor((i * count) / points);
        const to = Math.max(from + 1, Math.floor(((i + 1) * count) / points));
        let max = 0;
        for (let b = from; b < to && b < count; b += 1) max = Math.max(max, this.blocks[b] ?? 0);
        peaks[i] = max;
      }
    }
    const loudest = Math.max(0, ...peaks);
    return {
      version: 1,
      points,
      sampleRate: this.sampleRate,
      durationSeconds: Math.round((this.samples / this.sampleRate) * 1000) / 1000,
      peaks: peaks.map((peak) => (loudest > 0 ? Math.round((peak / loudest) * 1000) / 1000 : 0)),
    };
  }

  private closeBlock(): void {
    this.blocks.push(this.blockMax);
    this.blockMax = 0;
    this.blockFill = 0;
  }
}
