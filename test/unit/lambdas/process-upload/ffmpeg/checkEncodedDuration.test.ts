import { describe, expect, it } from 'vitest';
import { checkEncodedDuration } from '../../../../../lambdas/process-upload/ffmpeg/checkEncodedDuration.js';

describe('checkEncodedDuration', () => {
  const check = (statedSeconds: number | undefined, encodedSeconds: number) => () =>
    checkEncodedDuration({ kind: 'video', statedSeconds, encodedSeconds, maxSeconds: 600 });

  it('accepts output close to the stated duration', () => {
    expect(check(120, 119.9)).not.toThrow();
    expect(check(2, 1.5)).not.toThrow();
  });

  it('fails output far shorter than stated as TRANSCODE_FAILED: the file is truncated', () => {
    expect(check(120, 60)).toThrow(
      expect.objectContaining({
        code: 'TRANSCODE_FAILED',
        message: 'Only 1:00 of the 2:00 the file states could be decoded; it is truncated or damaged',
        retryable: false,
      }),
    );
  });

  it('fails an empty output', () => {
    expect(check(10, 0)).toThrow(expect.objectContaining({ code: 'TRANSCODE_FAILED' }));
  });

  it('fails a file that stated no duration and reached the limit as TOO_LONG', () => {
    expect(check(undefined, 601)).toThrow(expect.objectContaining({ code: 'TOO_LONG', message: 'The video lasts longer than 10:00, the most that is accepted' }));
    expect(check(undefined, 599)).not.toThrow();
  });

  it('fails a file that reached the limit as TOO_LONG although it stated less (a wrong or crafted header)', () => {
    expect(check(120, 601)).toThrow(expect.objectContaining({ code: 'TOO_LONG', message: 'The video lasts longer than 10:00, the most that is accepted' }));
  });

  it('accepts a file at the limit whose encoding runs a few frames past it', () => {
    expect(check(600, 600.3)).not.toThrow();
  });
});
