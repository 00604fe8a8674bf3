import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { ConfigError } from '../config/env.ts';
import { documentClient } from '../store/table/document-client.ts';
import { createTableInput } from '../store/table/table-definition.ts';
import { waitForActiveTable } from '../store/table/table-ready.ts';
import { checkStoreFiles, recordStoreFiles } from './store-files.ts';
import { captureDynaliteStore, guardStore, levelMessage } from './store-guard.ts';

export const LOCAL_TABLE_NAME = 'fivetran-metadata';

export interface LocalDynamo {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Whether this start created the table (a fresh data directory). */
  readonly created: boolean;
  /**
   * Null when the store can write, else why not (a full or read-only disk since start): `/healthz` says
   * so, and it clears by itself once a write works again.
   */
  storageFault(): Promise<string | null>;
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
  const path = options.path ?? null;
  if (path !== null) checkStoreFiles(path);
  const { result: server, db } = captureDynaliteStore(() =>
    dynalite({
      ...(path !== null ? { path } : {}),
      createTableMs: 0,
      deleteTableMs: 0,
    }),
  );
  const faults = guardStore(db);
  if (path !== null) {
    try {
      await db.open();
    } catch (error) {
      throw unopenable(path, error as Error);
    }
  }
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
    if (path !== null) recordStoreFiles(path);
  };
  try {
    const created = await ensureTable(client, tableName);
    return {
      endpoint,
      client,
      documentClient: documentClient(client),
      tableName,
      created,
      storageFault: () => faults.check(),
      close,
    };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}

/** Why LevelDB would not open the directory, as one line with what to do. */
function unopenable(path: string, error: Error): ConfigError {
  const detail = levelMessage(error);
  if (/permission denied|read-only file system|EACCES|EROFS/i.test(detail)) {
    return new ConfigError(
      `the store under ${path} cannot be opened for writing (${detail}): make DATA_DIR writable, or set DATA_DIR to a writable directory`,
    );
  }
  return new ConfigError(
    `the store under ${path} cannot be opened (${detail}): it looks damaged. Restore DATA_DIR from a backup, or move it away to start afresh (a sweep rebuilds the connections; events are lost)`,
  );
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
