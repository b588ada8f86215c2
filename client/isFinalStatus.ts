import type { UploadStatus } from './types.js';

/**
 * States an upload never leaves. Spelled out here rather than imported from the server's
 * `uploadRecord.ts` so the browser bundle holds no server module; the `Record` makes a new
 * status a compile error until it is placed, and a unit test holds it equal to `FINAL_STATUSES`.
 */
const FINAL: Readonly<Record<UploadStatus, boolean>> = {
  initiated: false,
  uploaded: false,
  processing: false,
  ready: true,
  failed: true,
  cancelled: true,
  expired: true,
};

export function isFinalStatus(status: UploadStatus): boolean {
  return FINAL[status];
}
