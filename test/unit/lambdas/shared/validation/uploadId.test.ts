import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../../lambdas/shared/errors.js';
import { uploadIdFromSourceKey, sourceKey } from '../../../../../lambdas/shared/keys.js';
import { isUploadId, newUploadId, uploadIdFromPath } from '../../../../../lambdas/shared/validation/uploadId.js';

describe('uploadId', () => {
  it('accepts every id newUploadId makes, and each one round-trips through its source key', () => {
    for (let run = 0; run < 1_000; run += 1) {
      const id = newUploadId();
      expect(isUploadId(id)).toBe(true);
      expect(uploadIdFromSourceKey(sourceKey(id))).toBe(id);
    }
  });

  it('rejects anything not shaped like a lower-case UUID', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.uuid().map((id) => id.toUpperCase()).filter((id) => /[A-F]/.test(id)),
          fc.uuid().map((id) => `${id}/`),
          fc.uuid().map((id) => ` ${id}`),
          fc.uuid().map((id) => id.replaceAll('-', '')),
          fc.anything().filter((value) => typeof value !== 'string'),
        ),
        (value) => {
          expect(isUploadId(value)).toBe(false);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('reads the {id} path parameter, or throws 404 NOT_FOUND naming it', () => {
    const id = newUploadId();
    expect(uploadIdFromPath({ id })).toBe(id);
    expect(() => uploadIdFromPath({ id: '../other' })).toThrow(new NotFoundError('Upload "../other" was not found'));
    expect(() => uploadIdFromPath({})).toThrow(NotFoundError);
  });
});
