import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type CursorScope, decodeCursor, encodeCursor, type PageKey } from './cursor.ts';
import type { AccessPattern } from './keys.ts';
import { type GlobalIndexDefinition, PARTITION_KEY, SORT_KEY } from './table-definition.ts';
import type { TableRef } from './table-ref.ts';
import type { StoredItem } from './versioned-update.ts';

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

export interface PageRequest {
  readonly limit: number;
  readonly cursor: string | null;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface Filter {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

/** Joins filter parts with AND; null when there are none. */
export function allOf(parts: readonly (Filter | null)[]): Filter | null {
  const present = parts.filter((part): part is Filter => part !== null);
  if (present.length === 0) return null;
  return {
    expression: present.map((part) => `(${part.expression})`).join(' AND '),
    names: Object.assign({}, ...present.map((part) => part.names)),
    values: Object.assign({}, ...present.map((part) => part.values)),
  };
}

export interface PageQuery<T> {
  readonly pattern: AccessPattern;
  readonly newestFirst: boolean;
  readonly filter: Filter | null;
  readonly scope: CursorScope;
  readonly page: PageRequest;
  readonly decode: (item: StoredItem) => T;
}

function keyOf(item: StoredItem, index: GlobalIndexDefinition): PageKey {
  const key: PageKey = {};
  for (const name of [PARTITION_KEY, SORT_KEY, index.partitionKey, index.sortKey])
    key[name] = String(item[name]);
  return key;
}

/**
 * One page of one index partition. DynamoDB applies `Limit` before the filter, so a filtered read keeps
 * querying until the page is full or the partition ends; the cursor is then the last returned item's keys
 * (a valid ExclusiveStartKey), bound to the listing and its filters.
 */
export async function queryPage<T>(table: TableRef, query: PageQuery<T>): Promise<Page<T>> {
  const { filter, page } = query;
  const { index, partition } = query.pattern;
  let start: PageKey | undefined = page.cursor
    ? decodeCursor(query.scope, page.cursor, {
        attribute: index.partitionKey,
        value: partition,
        sortAttribute: index.sortKey,
      })
    : undefined;
  const items: T[] = [];
  // Filtered, DynamoDB evaluates `Limit` items and then filters: start with what is missing (plus one, to
  // know whether more follow) and double the step while the filter keeps dropping items.
  let filteredStep = page.limit + 1;
  for (;;) {
    const result = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: index.indexName,
        KeyConditionExpression: '#partition = :partition',
        ExpressionAttributeNames: { '#partition': index.partitionKey, ...filter?.names },
        ExpressionAttributeValues: { ':partition': partition, ...filter?.values },
        ...(filter ? { FilterExpression: filter.expression } : {}),
        ScanIndexForward: !query.newestFirst,
        // Unfiltered, read exactly what is missing; filtered, read in growing steps.
        Limit: filter ? Math.min(MAX_PAGE_LIMIT, filteredStep) : page.limit - items.length,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const found = result.Items ?? [];
    for (const [position, item] of found.entries()) {
      items.push(query.decode(item));
      if (items.length === page.limit) {
        const more = position < found.length - 1 || result.LastEvaluatedKey !== undefined;
        return { items, nextCursor: more ? encodeCursor(query.scope, keyOf(item, index)) : null };
      }
    }
    if (!result.LastEvaluatedKey) return { items, nextCursor: null };
    start = result.LastEvaluatedKey as PageKey;
    filteredStep = Math.max(filteredStep * 2, page.limit - items.length + 1);
  }
}
