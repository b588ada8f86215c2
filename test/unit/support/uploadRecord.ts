import { sourceKey } from '../../../lambdas/shared/keys.js';
import { MiB } from '../../../lambdas/shared/mediaPolicy.js';
import type { UploadRecord } from '../../../lambdas/shared/uploadRecord.js';

export const FIXTURE_UPLOAD_ID = '0b8f6a52-3c1e-4d2a-9f7b-5e6d7c8b9a01';
export const FIXTURE_OWNER = 'owner-1';

/**
 * A stored upload record for unit tests: an initiated three-part video of 20 MiB + 5 bytes
 * unless overridden. Its source key follows its id and `pendingExpiry` follows its status, as
 * the real writes keep them.
 */
export function uploadRecord(overrides: Partial<UploadRecord> = {}): UploadRecord {
  const uploadId = overrides.uploadId ?? FIXTURE_UPLOAD_ID;
  const status = overrides.status ?? 'initiated';
  return {
    uploadId,
    ownerId: FIXTURE_OWNER,
    status,
    filename: 'talk.mp4',
    contentType: 'video/mp4',
    kind: 'video',
    size: 20 * MiB + 5,
    partSize: 8 * MiB,
    partCount: 3,
    sourceKey: sourceKey(uploadId),
    multipartUploadId: 'mpu-1',
    createdAt: '2025-03-01T12:00:00.000Z',
    updatedAt: '2025-03-01T12:00:00.000Z',
    expiresAt: '2025-03-02T12:00:00.000Z',
    ...(status === 'initiated' ? { pendingExpiry: 'initiated' as const } : {}),
    ...overrides,
  };
}
