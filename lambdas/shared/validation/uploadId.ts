import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { NotFoundError } from '../errors.js';
import { describeValue } from './describeValue.js';

/**
 * Upload ids are made by `POST /uploads` alone (a random UUID, lower case) and are the only
 * thing a path may name. A path parameter of any other shape cannot name an upload, so it is
 * answered exactly like an unknown id, 404 NOT_FOUND, before any table read: ids cannot be
 * probed, and a malformed id never reaches DynamoDB or an S3 key.
 */
export const UPLOAD_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const uploadIdSchema = z.string().check(z.regex(UPLOAD_ID_PATTERN));

export function newUploadId(): string {
  return randomUUID();
}

export function isUploadId(value: unknown): value is string {
  return uploadIdSchema.safeParse(value).success;
}

/** The `{id}` path parameter of an upload route, or 404 NOT_FOUND when it cannot be an upload id. */
export function uploadIdFromPath(pathParameters: Readonly<Record<string, string | undefined>>): string {
  const id = pathParameters.id;
  if (!isUploadId(id)) throw new NotFoundError(`Upload ${describeValue(id)} was not found`);
  return id;
}
