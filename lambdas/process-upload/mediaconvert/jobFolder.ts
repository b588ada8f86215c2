import { mediaPrefix } from '../../shared/keys.js';

/**
 * Each submitted job writes under its own folder in the upload's media prefix, named from the
 * token it was submitted with: a duplicate job (submitted by a run that died before it could
 * record the first one) never overwrites the outputs of the job the record names.
 */
export function jobFolder(uploadId: string, token: string): string {
  if (!JOB_TOKEN.test(token)) throw new RangeError(`Not a job token: ${token}`);
  return `${mediaPrefix(uploadId)}job-${token}/`;
}

/** A submission's token: 16 hex digits (submitJob), so it is safe in a key. */
export const JOB_TOKEN = /^[0-9a-f]{16}$/;
