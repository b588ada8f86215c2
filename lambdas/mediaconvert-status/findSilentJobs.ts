import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { uploadsTableName } from '../shared/config.js';
import { dynamo } from '../shared/dynamo.js';
import { BY_RUNNING_JOB_INDEX } from '../shared/uploadIndexes.js';
import type { UploadRecord } from '../shared/uploadRecord.js';

const tableName = uploadsTableName();

/**
 * Up to `max` uploads with a running MediaConvert job and no write since `before`, least
 * recently written first, from the sparse `byRunningJob` index (one query page: the check runs
 * every few minutes and each check writes, so the rest come up next time).
 */
export async function findSilentJobs(before: Date, max: number): Promise<UploadRecord[]> {
  const page = await dynamo.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: BY_RUNNING_JOB_INDEX,
      KeyConditionExpression: '#runningJob = :mediaconvert AND #updatedAt < :before',
      ExpressionAttributeNames: { '#runningJob': 'runningJob', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: { ':mediaconvert': 'mediaconvert', ':before': before.toISOString() },
      Limit: max,
    }),
  );
  return (page.Items ?? []) as UploadRecord[];
}
