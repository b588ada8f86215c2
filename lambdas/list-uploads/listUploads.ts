import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BY_OWNER_INDEX } from '../shared/uploadIndexes.js';
import { uploadsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import type { ApiRequest } from '../shared/http/apiRequest.js';
import type { ApiResponse } from '../shared/http/httpHandler.js';
import { withMediaAccess } from '../shared/mediaAccess/mediaSigner.js';
import { type PublicUpload, toPublicUpload, type UploadRecord } from '../shared/uploadRecord.js';
import { encodeListCursor, type ListCursorKey } from './listCursor.js';
import { MAX_LIST_LIMIT, parseListQuery } from './parseListQuery.js';

/** `GET /uploads`: one page of the caller's uploads, newest first, and where the next page starts. */
export interface UploadList {
  readonly items: readonly PublicUpload[];
  /** Absent on the last page. */
  readonly cursor?: string;
}

const tableName = uploadsTableName();

/**
 * Without a filter each query asks for just the room left on the page; with one, it reads up to
 * MAX_LIST_LIMIT items, so one request reads at most 1,000.
 */
export const MAX_QUERIES_PER_PAGE = 10;

/**
 * `GET /uploads?status&limit&cursor`. Queries the `byOwner` index newest first. A status filter
 * is applied by DynamoDB after it reads a page, so a page can come back short although more
 * matches follow: the query is repeated (a bounded number of times) until the page is full or
 * the uploads end. When that overshoots, the page is cut and the cursor points at its last item.
 */
export async function listUploads(request: ApiRequest): Promise<ApiResponse> {
  const { status, limit, startKey } = parseListQuery(request.query, request.ownerId);
  const items: UploadRecord[] = [];
  let exclusiveStartKey: Record<string, unknown> | undefined = startKey;
  let next: ListCursorKey | undefined;

  for (let query = 0; query < MAX_QUERIES_PER_PAGE; query += 1) {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: BY_OWNER_INDEX,
        KeyConditionExpression: '#ownerId = :ownerId',
        ...(status === undefined ? {} : { FilterExpression: '#status = :status' }),
        ExpressionAttributeNames: { '#ownerId': 'ownerId', ...(status === undefined ? {} : { '#status': 'status' }) },
        ExpressionAttributeValues: { ':ownerId': request.ownerId, ...(status === undefined ? {} : { ':status': status }) },
        ScanIndexForward: false,
        Limit: status === undefined ? limit - items.length : MAX_LIST_LIMIT,
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    const found = (page.Items ?? []) as UploadRecord[];
    const room = limit - items.length;
    if (found.length > room) {
      items.push(...found.slice(0, room));
      next = items[items.length - 1];
      break;
    }
    items.push(...found);
    exclusiveStartKey = page.LastEvaluatedKey;
    next = exclusiveStartKey as ListCursorKey | undefined;
    if (next === undefined || items.length === limit) break;
  }

  const body: UploadList = { items: await Promise.all(items.map((item) => withMediaAccess(toPublicUpload(item)))), ...(next === undefined ? {} : { cursor: encodeListCursor(next) }) };
  return { statusCode: 200, body };
}
