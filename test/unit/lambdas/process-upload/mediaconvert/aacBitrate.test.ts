import { describe, expect, it } from 'vitest';
import { aacBitrate } from '../../../../../lambdas/process-upload/mediaconvert/aacBitrate.js';
import { sourceRung, VIDEO_LADDER } from '../../../../../lambdas/process-upload/plan/videoLadder.js';

describe('aacBitrate', () => {
  it('gives every rung of the ladder, and every rung between two, a bitrate MediaConvert accepts', () => {
    const between = [300, 400, 600, 800, 1000].map((side) => sourceRung(side)).filter((rung) => rung !== undefined);
    expect(between.length).toBeGreaterThan(0);
    for (const rung of [...VIDEO_LADDER, ...between]) expect(aacBitrate(rung.audioKbps)).toBe(rung.audioKbps * 1000);
  });

  it.each([100, 127, 0, 128.5])('refuses %f kbit/s, naming it', (kbps) => {
    expect(() => aacBitrate(kbps)).toThrow(RangeError);
    expect(() => aacBitrate(kbps)).toThrow(`AAC bitrate ${kbps} kbit/s is not one MediaConvert accepts`);
  });
});
