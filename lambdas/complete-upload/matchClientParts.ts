import { UnprocessableError } from '../shared/errors.js';
import type { UploadedPart } from '../shared/listUploadedParts.js';
import type { ClientPart } from './parseCompleteBody.js';

/** S3 quotes ETags; clients may or may not keep the quotes from the PUT response header. */
function bareEtag(etag: string): string {
  return etag.replace(/^"(.*)"$/, '$1');
}

/**
 * Checks the parts a client says it uploaded against what S3 holds, so a client that lost
 * track of a part hears so (422 PART_MISMATCH) instead of completing with bytes it did not
 * mean. The client's list may be partial; whether every part is in is checked from S3 alone.
 */
export function matchClientParts(clientParts: readonly ClientPart[], uploaded: readonly UploadedPart[]): void {
  const byNumber = new Map(uploaded.map((part) => [part.partNumber, part]));
  for (const claimed of clientParts) {
    const held = byNumber.get(claimed.partNumber);
    if (!held) {
      throw new UnprocessableError(`S3 holds no part ${claimed.partNumber}; upload it before completing`, 'PART_MISMATCH');
    }
    if (bareEtag(held.etag) !== bareEtag(claimed.etag)) {
      throw new UnprocessableError(
        `Part ${claimed.partNumber} has ETag ${held.etag} in S3, not ${JSON.stringify(claimed.etag)}; upload it again or complete without parts`,
        'PART_MISMATCH',
      );
    }
  }
}
