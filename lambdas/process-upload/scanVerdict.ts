import type { S3Client } from '@aws-sdk/client-s3';
import { ProcessingError } from '../shared/errors.js';
import { FAILURE_CODES } from '../shared/failureCodes.js';
import { readScanStatusTag } from '../shared/readScanStatusTag.js';

/** What the malware gate lets processing do with an original. */
export type ScanVerdict =
  | { readonly kind: 'clean' }
  /** No scan result yet: nothing may read the original. */
  | { readonly kind: 'pending' }
  /** Never processed: `infected` originals are deleted, the others kept (nothing is known against them). */
  | { readonly kind: 'rejected'; readonly infected: boolean; readonly error: ProcessingError };

/**
 * The gate's one decision, from GuardDuty's `scanResultStatus` (the tag's value, or the event's):
 * only NO_THREATS_FOUND lets the original through. THREATS_FOUND rejects it as infected; every
 * other status (UNSUPPORTED, ACCESS_DENIED, FAILED, or one GuardDuty adds later) fails closed,
 * since an original the scanner could not vouch for is not known to be safe.
 */
export function scanVerdict(status: string | undefined): ScanVerdict {
  if (status === undefined) return { kind: 'pending' };
  if (status === 'NO_THREATS_FOUND') return { kind: 'clean' };
  if (status === 'THREATS_FOUND') {
    return {
      kind: 'rejected',
      infected: true,
      error: new ProcessingError(FAILURE_CODES.malwareDetected, 'The malware scan found a threat in the file; it was deleted and nothing was published'),
    };
  }
  return {
    kind: 'rejected',
    infected: false,
    error: new ProcessingError(
      FAILURE_CODES.malwareScanFailed,
      `The malware scan could not check the file (${status.slice(0, 40)}); it is not processed. Upload it again, or as another file if this repeats`,
    ),
  };
}

/**
 * The verdict on one original: the `GuardDutyMalwareScanStatus` tag on the object first (it
 * belongs to the stored object: a new object under the key starts without tags), else the
 * status the message reported (GuardDuty's event may come before its tag is readable, or its
 * tagging failed). Neither: pending.
 */
export async function readScanVerdict(
  s3: S3Client,
  location: { readonly bucket: string; readonly key: string },
  reportedStatus: string | undefined,
): Promise<ScanVerdict> {
  return scanVerdict((await scanStatusTag(s3, location)) ?? reportedStatus);
}

async function scanStatusTag(s3: S3Client, location: { readonly bucket: string; readonly key: string }): Promise<string | undefined> {
  try {
    // Gone (deleted or cancelled meanwhile): the claim that follows finds out what became of the upload.
    return await readScanStatusTag(s3, location);
  } catch (error) {
    throw new ProcessingError(FAILURE_CODES.sourceUnavailable, 'The malware scan result of the file could not be read', { cause: error, retryable: true });
  }
}
