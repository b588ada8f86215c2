import { describe, expect, it } from 'vitest';
import { toPublicUpload } from '../../../../lambdas/shared/uploadRecord.js';
import { uploadRecord } from '../../support/uploadRecord.js';

describe('toPublicUpload', () => {
  it("shows the uploader's byte count while the upload is initiated", () => {
    expect(toPublicUpload(uploadRecord({ status: 'initiated', bytesSent: 42 }))).toMatchObject({ bytesSent: 42 });
  });

  it.each(['uploaded', 'processing', 'ready', 'failed', 'cancelled'] as const)('leaves it out once %s: S3 holds the truth then', (status) => {
    expect(toPublicUpload(uploadRecord({ status, bytesSent: 42 }))).not.toHaveProperty('bytesSent');
  });

  it('leaves out what only the pipeline uses', () => {
    const shown = toPublicUpload(uploadRecord({ writeId: 'w', multipartUploadId: 'm' }));
    expect(shown).not.toHaveProperty('writeId');
    expect(shown).not.toHaveProperty('multipartUploadId');
    expect(shown).not.toHaveProperty('ownerId');
  });

  it('shows only the fields of the public contract: a field added to the record alone stays inside', () => {
    const record = { ...uploadRecord({ status: 'ready' }), futureInternalField: 'secret' };
    expect(toPublicUpload(record)).not.toHaveProperty('futureInternalField');
  });

  it('leaves out fields that are absent rather than showing them as undefined', () => {
    expect(Object.values(toPublicUpload(uploadRecord({ status: 'ready' })))).not.toContain(undefined);
  });
});
