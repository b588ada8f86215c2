import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { usageTableName } from '../config.js';
import { dynamo } from '../dynamo.js';
import type { UsageUpdate } from './usageUpdate.js';
import type { UserUsage } from './UserUsage.js';

const tableName = usageTableName();

/** Plans a change were tried at most, each from a fresh read, before giving up. */
const MAX_ATTEMPTS = 8;

/** The user's usage item as it is now (a consistent read), or undefined when they have none yet. */
export async function readUsage(ownerId: string): Promise<UserUsage | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: { ownerId }, ConsistentRead: true }));
  return Item as UserUsage | undefined;
}

/** Sends one planned change; false when its condition no longer holds (the item changed since it was read). */
export async function writeUsage(ownerId: string, change: UsageUpdate): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { ownerId },
        UpdateExpression: change.update,
        ConditionExpression: change.condition,
        ExpressionAttributeNames: change.names,
        ExpressionAttributeValues: Object.keys(change.values).length > 0 ? change.values : undefined,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Reads the item, plans a change from it and writes it, again from a fresh read while another
 * writer got in between. Resolves true when this call applied the change and false when the
 * plan found nothing to do (which is also how a change applied by an earlier attempt looks).
 */
export async function changeUsage(ownerId: string, plan: (usage: UserUsage | undefined) => UsageUpdate | undefined): Promise<boolean> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const change = plan(await readUsage(ownerId));
    if (!change) return false;
    if (await writeUsage(ownerId, change)) return true;
  }
  throw new Error(`The usage of ${ownerId} changed under each of ${MAX_ATTEMPTS} attempts to update it`);
}
