import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, StoreConflictError } from './errors.ts';
import { asItemTooLarge, assertItemFits } from './item-size.ts';
import type { ItemKey } from './keys.ts';

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
  /** The item's version after this call (null: no item, or one written before versions existed). */
  readonly version: number | null;
}

/**
 * What the caller already read (e.g. in a bulk query moments ago): the first attempt trusts it instead of
 * reading again. The conditional write still checks the version, so a stale hint only costs a retry.
 */
export interface KnownItem<T> {
  readonly value: T | null;
  readonly version: number | null;
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
  known?: KnownItem<T>,
): Promise<VersionedResult<T>> {
  for (let attempt = 1; attempt <= table.maxAttempts; attempt++) {
    let current: T | null;
    let exists: boolean;
    let version: number | null;
    if (attempt === 1 && known !== undefined) {
      current = known.value;
      exists = known.value !== null;
      version = known.version;
    } else {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
      );
      current = Item ? decode(Item) : null;
      exists = Item !== undefined;
      version = typeof Item?.[VERSION_ATTRIBUTE] === 'number' ? (Item[VERSION_ATTRIBUTE] as number) : null;
    }
    const planned = plan(current);
    if (planned === null) return { before: current, after: current, written: false, version };
    const item = { ...planned.item, ...key, [VERSION_ATTRIBUTE]: (version ?? 0) + 1 };
    assertItemFits(item, `item ${key.pk}`);
    try {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: item,
          ConditionExpression: !exists
            ? 'attribute_not_exists(pk)'
            : version === null
              ? 'attribute_not_exists(#version)'
              : '#version = :version',
          ...(exists ? { ExpressionAttributeNames: { '#version': VERSION_ATTRIBUTE } } : {}),
          ...(exists && version !== null ? { ExpressionAttributeValues: { ':version': version } } : {}),
        }),
      );
      return { before: current, after: planned.value, written: true, version: (version ?? 0) + 1 };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw asItemTooLarge(error, `item ${key.pk}`);
      // Jittered backoff so colliding writers spread out.
      await sleep(Math.random() * Math.min(50, 2 ** attempt));
    }
  }
  throw new StoreConflictError(`item ${key.pk} kept changing; gave up after ${table.maxAttempts} attempts`);
}
