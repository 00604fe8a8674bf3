import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from './keys.ts';
import { isConditionalCheckFailed, StoreConflictError } from './store-errors.ts';

export const VERSION_ATTRIBUTE = 'version';

export interface VersionedTable {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Read-modify-write attempts before giving up with StoreConflictError (the caller answers 503). */
  readonly maxAttempts: number;
}

export type StoredItem = Record<string, unknown>;

export interface Planned<T> {
  readonly value: T;
  /** The item to write (keys and version are added here). */
  readonly item: StoredItem;
}

export interface VersionedResult<T> {
  readonly before: T | null;
  readonly after: T | null;
  readonly written: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Optimistic concurrency without transactions (dynalite has none): read the item and its version, compute
 * the next value, write it on condition that the version is unchanged, and start over when another writer
 * got there first. `plan` returns null when nothing would change, which also ends a race quickly: once one
 * writer has applied an idempotent update, the others find nothing left to do.
 */
export async function updateVersioned<T>(
  table: VersionedTable,
  key: ItemKey,
  decode: (item: StoredItem) => T,
  plan: (current: T | null) => Planned<T> | null,
): Promise<VersionedResult<T>> {
  for (let attempt = 1; attempt <= table.maxAttempts; attempt++) {
    const { Item } = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
    );
    const current = Item ? decode(Item) : null;
    const planned = plan(current);
    if (planned === null) return { before: current, after: current, written: false };
    const version =
      typeof Item?.[VERSION_ATTRIBUTE] === 'number' ? (Item[VERSION_ATTRIBUTE] as number) : null;
    try {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { ...planned.item, ...key, [VERSION_ATTRIBUTE]: (version ?? 0) + 1 },
          ConditionExpression: !Item
            ? 'attribute_not_exists(pk)'
            : version === null
              ? 'attribute_not_exists(#version)'
              : '#version = :version',
          ...(Item ? { ExpressionAttributeNames: { '#version': VERSION_ATTRIBUTE } } : {}),
          ...(Item && version !== null ? { ExpressionAttributeValues: { ':version': version } } : {}),
        }),
      );
      return { before: current, after: planned.value, written: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // Jittered backoff so colliding writers spread out.
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }
  throw new StoreConflictError(`item ${key.pk} kept changing; gave up after ${table.maxAttempts} attempts`);
}
