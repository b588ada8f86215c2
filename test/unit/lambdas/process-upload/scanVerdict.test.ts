import { describe, expect, it } from 'vitest';
import { scanVerdict } from '../../../../lambdas/process-upload/scanVerdict.js';
import { SCAN_RESULT_STATUSES } from '../../../../lambdas/shared/malwareScanResult.js';

describe('scanVerdict', () => {
  it('lets only NO_THREATS_FOUND through', () => {
    expect(scanVerdict('NO_THREATS_FOUND')).toEqual({ kind: 'clean' });
    const passed = SCAN_RESULT_STATUSES.filter((status) => scanVerdict(status).kind === 'clean');
    expect(passed).toEqual(['NO_THREATS_FOUND']);
  });

  it('rejects THREATS_FOUND as infected with MALWARE_DETECTED, final', () => {
    const verdict = scanVerdict('THREATS_FOUND');
    expect(verdict).toMatchObject({ kind: 'rejected', infected: true, error: { code: 'MALWARE_DETECTED', retryable: false } });
  });

  it('fails closed on every status that vouches for nothing, naming it, without calling the file infected', () => {
    for (const status of ['UNSUPPORTED', 'ACCESS_DENIED', 'FAILED', 'A_STATUS_FROM_LATER']) {
      const verdict = scanVerdict(status);
      expect(verdict).toMatchObject({ kind: 'rejected', infected: false, error: { code: 'MALWARE_SCAN_FAILED', retryable: false } });
      expect(verdict.kind === 'rejected' && verdict.error.message).toContain(status);
    }
  });

  it('is pending without a status', () => {
    expect(scanVerdict(undefined)).toEqual({ kind: 'pending' });
  });
});
