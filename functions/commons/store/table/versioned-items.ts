import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { usableId } from '../../lib/usable-id.ts';
import type { AccessPattern, ItemKey } from './keys.ts';
import { queryPartition } from './query-partition.ts';
import type { TableRef } from './table-ref.ts';
import {
  type KnownItem,
  type StoredItem,
  updateVersioned,
  VERSION_ATTRIBUTE,
  type VersionedResult,
} from './versioned-update.ts';

/** How one item kind kept under optimistic versions is keyed, read, written and listed. */
export interface VersionedKind<T extends { readonly id: string }> {
  readonly key: (id: string) => ItemKey;
  readonly decode: (item: StoredItem) => T;
  readonly toItem: (value: T) => StoredItem;
  /** The listing that holds every item of the kind. */
  readonly listing: () => AccessPattern;
}

export interface VersionedItems<T> {
  get(id: string): Promise<T | null>;
  /** Read-modify-write: `plan` returns the next value, or null for no change. */
  update(
    id: string,
    plan: (current: T | null) => T | null,
    known?: KnownItem<T>,
  ): Promise<VersionedResult<T>>;
  /** Every item of the kind with its version (the sweep compares before it writes). */
  readAll(): Promise<Map<string, KnownItem<T>>>;
}

/** The get / update / readAll every versioned repository shares (connections, transformations). */
export function versionedItems<T extends { readonly id: string }>(
  table: TableRef,
  options: { readonly maxAttempts: number },
  kind: VersionedKind<T>,
): VersionedItems<T> {
  const versioned = { ...table, maxAttempts: options.maxAttempts };
  return {
    async get(id) {
      if (usableId(id) === null) return null;
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: kind.key(id) }),
      );
      return Item ? kind.decode(Item) : null;
    },

    update(id, plan, known) {
      return updateVersioned(
        versioned,
        kind.key(id),
        kind.decode,
        (current) => {
          const next = plan(current);
          return next === null ? null : { value: next, item: kind.toItem(next) };
        },
        known,
      );
    },

    async readAll() {
      const found = new Map<string, KnownItem<T>>();
      for await (const items of queryPartition(table, kind.listing())) {
        for (const item of items) {
          const value = kind.decode(item);
          const version = item[VERSION_ATTRIBUTE];
          found.set(value.id, { value, version: typeof version === 'number' ? version : null });
        }
      }
      return found;
    },
  };
}
