import { describe, expect, it } from 'vitest';
import { JOB_TOKEN, jobFolder } from '../../../../../lambdas/process-upload/mediaconvert/jobFolder.js';

describe('jobFolder', () => {
  it("is a folder named after the job's token inside the upload's media prefix", () => {
    expect(jobFolder('u1', '0123456789abcdef')).toBe('media/u1/job-0123456789abcdef/');
  });

  it.each([
    ['too short', '0123456789abcde'],
    ['too long', '0123456789abcdef0'],
    ['upper-case hex', '0123456789ABCDEF'],
    ['a path', '../../other-upload'],
    ['a slash inside', '01234567/9abcdef'],
    ['empty', ''],
  ])('refuses a token that is %s, naming it', (_case, token) => {
    expect(() => jobFolder('u1', token)).toThrow(new RangeError(`Not a job token: ${token}`));
  });

  it('accepts exactly 16 lower-case hex digits', () => {
    expect(JOB_TOKEN.test('fedcba9876543210')).toBe(true);
    expect(JOB_TOKEN.test('fedcba987654321g')).toBe(false);
  });
});
