import * as z from 'zod/mini';
import { ValidationError } from '../shared/errors.js';
import { UPLOAD_STATUSES, type UploadStatus } from '../shared/uploadRecord.js';
import { describeValue } from '../shared/validation/describeValue.js';
import { decodeListCursor, type ListCursorKey } from './listCursor.js';

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 100;

export interface ListQuery {
  readonly status?: UploadStatus;
  readonly limit: number;
  /** Where the previous page ended; absent for the first page. */
  readonly startKey?: ListCursorKey;
}

/**
 * Each query parameter's rule (every value arrives as a string), for the parser and the OpenAPI
 * document. `limit` is plain decimal from 1 to MAX_LIST_LIMIT: no sign, no leading zero, no
 * exponent (`Number()` would accept far more). A cursor's shape is checked by decoding it.
 */
export const listQuerySchemas = {
  status: z.enum(UPLOAD_STATUSES as readonly [UploadStatus, ...UploadStatus[]]),
  limit: z.string().check(z.regex(/^(100|[1-9][0-9]?)$/)),
  cursor: z.string(),
};

type QueryName = keyof typeof listQuerySchemas;
const NAMES = Object.keys(listQuerySchemas) as QueryName[];

/**
 * The query of `GET /uploads?status&limit&cursor`: 400 INVALID_QUERY for an unknown parameter,
 * a status that is not one, or a limit outside 1..100; 400 INVALID_CURSOR for a cursor this API
 * did not hand to this owner.
 */
export function parseListQuery(query: Readonly<Record<string, string | undefined>>, ownerId: string): ListQuery {
  const unknown = Object.keys(query).find((name) => !NAMES.includes(name as QueryName));
  if (unknown !== undefined) {
    throw new ValidationError(`Unknown query parameter ${describeValue(unknown)}; use status, limit and cursor`, 'INVALID_QUERY');
  }

  const { status, limit, cursor } = query;
  if (status !== undefined && !listQuerySchemas.status.safeParse(status).success) {
    throw new ValidationError(`status must be one of ${UPLOAD_STATUSES.join(', ')}; got ${describeValue(status)}`, 'INVALID_QUERY');
  }
  if (limit !== undefined && !listQuerySchemas.limit.safeParse(limit).success) {
    throw new ValidationError(`limit must be a whole number from 1 to ${MAX_LIST_LIMIT}; got ${describeValue(limit)}`, 'INVALID_QUERY');
  }
  return {
    ...(status === undefined ? {} : { status: status as UploadStatus }),
    limit: limit === undefined ? DEFAULT_LIST_LIMIT : Number(limit),
    ...(cursor === undefined ? {} : { startKey: decodeListCursor(cursor, ownerId) }),
  };
}
