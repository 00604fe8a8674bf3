import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { documentClient } from '../store/table/document-client.ts';
import { createTableInput } from '../store/table/table-definition.ts';
import { waitForActiveTable } from '../store/table/table-ready.ts';

export const LOCAL_TABLE_NAME = 'fivetran-metadata';

export interface LocalDynamo {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Whether this start created the table (a fresh data directory). */
  readonly created: boolean;
  /** Stops the server after its pending writes, closing the database. */
  close(): Promise<void>;
}

export interface LocalDynamoOptions {
  /** LevelDB directory; in memory when absent (tests). */
  readonly path?: string;
  readonly tableName?: string;
}

/**
 * dynalite (DynamoDB on LevelDB, in this process) on a loopback port, with the project's table created on
 * first start. TTL is not configured: dynalite rejects UpdateTimeToLive, and reads check expiry themselves.
 */
export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    // dynalite checks that requests are signed, not by whom.
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
  });
  const close = async () => {
    client.destroy();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  };
  try {
    const created = await ensureTable(client, tableName);
    return { endpoint, client, documentClient: documentClient(client), tableName, created, close };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  // dynalite keeps a new table CREATING for a moment; closing before it is ACTIVE would leave it so on disk.
  await waitForActiveTable(client, tableName);
  return true;
}
