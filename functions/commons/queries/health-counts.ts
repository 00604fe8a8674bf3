import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { HEALTH_VALUES, type Health } from '../health.ts';
import { connectionsByHealth } from '../store/keys.ts';
import { indexNamed } from '../store/query-page.ts';
import type { TableRef } from '../store/table-ref.ts';

export interface HealthCounts {
  /** Live (not deleted) connections by health. */
  readonly by_health: Readonly<Record<Health, number>>;
  /** Live connections. */
  readonly total: number;
  /** Deleted connections still kept (they keep their last health but leave the default lists). */
  readonly deleted: number;
}

/**
 * Counts one health partition of gsi2 with `Select: COUNT`: the items never leave the table, and no other
 * kind of item is read (the index is sparse). `ScannedCount - Count` is the deleted ones the filter dropped.
 */
async function countPartition(table: TableRef, health: Health): Promise<{ live: number; deleted: number }> {
  const index = indexNamed('gsi2');
  let live = 0;
  let scanned = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const result = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: index.indexName,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: 'attribute_type(#deleted, :null)',
        ExpressionAttributeNames: { '#pk': index.partitionKey, '#deleted': 'deleted_at' },
        ExpressionAttributeValues: { ':pk': connectionsByHealth(health), ':null': 'NULL' },
        Select: 'COUNT',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    live += result.Count ?? 0;
    scanned += result.ScannedCount ?? 0;
    start = result.LastEvaluatedKey;
  } while (start);
  return { live, deleted: scanned - live };
}

/** Connections by health, one count query per health partition, all four at once. */
export async function countConnectionsByHealth(table: TableRef): Promise<HealthCounts> {
  const counts = await Promise.all(HEALTH_VALUES.map((health) => countPartition(table, health)));
  const byHealth = Object.fromEntries(HEALTH_VALUES.map((health, i) => [health, counts[i]?.live ?? 0]));
  return {
    by_health: byHealth as Record<Health, number>,
    total: counts.reduce((sum, c) => sum + c.live, 0),
    deleted: counts.reduce((sum, c) => sum + c.deleted, 0),
  };
}

export interface CachedHealthCounts {
  /** The counts and when they were counted (ISO). */
  read(): Promise<HealthCounts & { readonly counted_at: string }>;
}

/**
 * Counting reads every connection item of the health partitions (10,000 connections take ~0.3 s on dynalite),
 * so a router keeps the counts for `maxAgeMs` and counts again after that; concurrent readers share one
 * count. `maxAgeMs` 0 counts on every read.
 */
export function cachedHealthCounts(
  table: TableRef,
  options: { readonly maxAgeMs: number; readonly now?: () => number },
): CachedHealthCounts {
  const now = options.now ?? Date.now;
  let cached: { counts: HealthCounts; at: number } | null = null;
  let counting: Promise<{ counts: HealthCounts; at: number }> | null = null;
  return {
    async read() {
      if (cached === null || now() - cached.at >= options.maxAgeMs) {
        counting ??= (async () => {
          const at = now();
          const counts = await countConnectionsByHealth(table);
          return { counts, at };
        })().finally(() => {
          counting = null;
        });
        cached = await counting;
      }
      return { ...cached.counts, counted_at: new Date(cached.at).toISOString() };
    },
  };
}
