import { H264CodecLevel } from '@aws-sdk/client-mediaconvert';
import { describe, expect, it } from 'vitest';
import { h264CodecLevel } from '../../../../../lambdas/process-upload/mediaconvert/h264CodecLevel.js';

describe('h264CodecLevel', () => {
  it.each([
    ['3.0', 'LEVEL_3'],
    ['3.1', 'LEVEL_3_1'],
    ['3.2', 'LEVEL_3_2'],
    ['4.0', 'LEVEL_4'],
    ['4.1', 'LEVEL_4_1'],
    ['4.2', 'LEVEL_4_2'],
    ['5.0', 'LEVEL_5'],
    ['5.1', 'LEVEL_5_1'],
    ['5.2', 'LEVEL_5_2'],
  ])('names level %s %s, a value of the SDK enum', (level, name) => {
    expect(h264CodecLevel(level)).toBe(name);
    expect(Object.values(H264CodecLevel)).toContain(name);
  });

  it.each(['6.0', '6.2', '3', 'AUTO', ''])('refuses %j, which MediaConvert has no CodecLevel for', (level) => {
    expect(() => h264CodecLevel(level)).toThrow(RangeError);
    expect(() => h264CodecLevel(level)).toThrow(`H.264 level ${JSON.stringify(level)} has no MediaConvert CodecLevel`);
  });
});
