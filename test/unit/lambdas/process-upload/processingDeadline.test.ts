import { describe, expect, it } from 'vitest';
import { processingDeadline } from '../../../../lambdas/process-upload/processingDeadline.js';

describe('processingDeadline', () => {
  it('keeps a minute back from a long invocation', () => {
    expect(processingDeadline(1_000, 900_000)).toBe(1_000 + 840_000);
  });

  it('keeps a fifth back from a short one', () => {
    expect(processingDeadline(0, 30_000)).toBe(24_000);
  });
});
