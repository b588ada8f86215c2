import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  ScanCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { TableSchema } from '../../lib/uploadsTableSchema.js';
import type { LocalCredentials } from '../localDefaults.js';
import { createTableInput } from './createTableInput.js';

export interface DynamoEmulatorOptions {
  readonly host: string;
  readonly port: number;
  /** LevelDB folder: the tables persist here across restarts. */
  readonly directory: string;
  readonly tables: readonly { readonly name: string; readonly schema: TableSchema }[];
  readonly region: string;
  readonly credentials: LocalCredentials;
}

export interface DynamoEmulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/**
 * Runs dynalite in this process, backed by LevelDB in `directory`, and creates the tables
 * that do not exist yet. An existing table keeps its items; one that lacks an index of its
 * schema (a data folder from before the index was added) is rebuilt with them, since dynalite
 * cannot add an index to a table.
 */
export async function startDynamoEmulator(options: DynamoEmulatorOptions): Promise<DynamoEmulator> {
  await mkdir(options.directory, { recursive: true });
  const server = dynalite({ path: options.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${options.host}:${port}`;
  const stop = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
    });

  const client = new DynamoDBClient({ endpoint, region: options.region, credentials: options.credentials });
  try {
    for (const table of options.tables) await ensureTable(client, table.name, table.schema);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop };
}

async function ensureTable(client: DynamoDBClient, name: string, schema: TableSchema): Promise<void> {
  let indexes: Set<string>;
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    indexes = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? ''));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await createTable(client, name, schema);
    return;
  }
  if (schema.globalSecondaryIndexes.every((index) => indexes.has(index.indexName))) return;
  const items = await scanAll(client, name);
  await client.send(new DeleteTableCommand({ TableName: name }));
  // dynalite clears the table's data after answering; creating it again before that is done
  // is refused with ResourceInUseException (seen when the machine is busy).
  await waitUntilTableNotExists({ client, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { TableName: name });
  await createTable(client, name, schema);
  for (let start = 0; start < items.length; start += BATCH_WRITE_SIZE) {
    let requests = items.slice(start, start + BATCH_WRITE_SIZE).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: { [name]: requests } }));
      requests = (UnprocessedItems?.[name] ?? []).flatMap((request) => (request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : []));
    }
  }
}

/** The most puts one BatchWriteItem takes. */
const BATCH_WRITE_SIZE = 25;

async function createTable(client: DynamoDBClient, name: string, schema: TableSchema): Promise<void> {
  await client.send(new CreateTableCommand(createTableInput(name, schema)));
  // dynalite reports CREATING for a tick even with createTableMs 0; writes before ACTIVE fail.
  await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { TableName: name });
}

async function scanAll(client: DynamoDBClient, name: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let exclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: name, ExclusiveStartKey: exclusiveStartKey }));
    items.push(...(page.Items ?? []));
    exclusiveStartKey = page.LastEvaluatedKey;
  } while (exclusiveStartKey !== undefined);
  return items;
}
