import { describe, expect, it } from 'vitest';
import { posterTime } from '../../../../../lambdas/process-upload/plan/posterTime.js';

describe('posterTime', () => {
  it('takes a tenth of the way in, at most 10 s, and the start when the duration is unknown', () => {
    expect(posterTime(30)).toBe(3);
    expect(posterTime(3600)).toBe(10);
    expect(posterTime(undefined)).toBe(0);
  });
});
