import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
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
 * that do not exist yet (an existing table keeps its items; its definition is not updated).
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
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(name, schema)));
  // dynalite reports CREATING for a tick even with createTableMs 0; writes before ACTIVE fail.
  await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 1, maxDelay: 1 }, { TableName: name });
}
