import { describe, expect, it } from 'vitest';
import { jobFailure } from '../../../../../lambdas/process-upload/mediaconvert/jobFailure.js';

describe('jobFailure', () => {
  it.each([
    [1010, 'input'],
    [1020, 'no video stream'],
    [1021, 'no audio stream'],
    [1030, 'unsupported codec'],
    [1060, 'clipping timecodes not in the input'],
    [1075, 'demuxer parse'],
    [1076, 'source read'],
    [1092, 'audio decode initialization'],
  ])('fails MediaConvert error %i (%s) as UNSUPPORTED_MEDIA: the file is the user\'s to fix', (code) => {
    expect(jobFailure(code)).toEqual({
      code: 'UNSUPPORTED_MEDIA',
      message: `The video could not be decoded for transcoding (MediaConvert error ${code}); it may be damaged or in a format that is not supported`,
    });
  });

  it.each([
    [1040, 'settings'],
    [1041, 'acceleration'],
    [1050, 'disk full'],
    [1401, 'S3 permissions'],
    [1404, 'bucket not found'],
    [1434, 'IAM role'],
    [1999, 'unknown'],
  ])('fails MediaConvert error %i (%s) as TRANSCODE_FAILED: the fault is ours', (code) => {
    expect(jobFailure(code)).toEqual({
      code: 'TRANSCODE_FAILED',
      message: `The video could not be transcoded because of a fault on our side (MediaConvert error ${code}); upload it again later`,
    });
  });

  it('fails an error without a code as TRANSCODE_FAILED, saying the code is unknown', () => {
    expect(jobFailure(undefined)).toEqual({
      code: 'TRANSCODE_FAILED',
      message: 'The video could not be transcoded because of a fault on our side (MediaConvert error unknown); upload it again later',
    });
  });
});
