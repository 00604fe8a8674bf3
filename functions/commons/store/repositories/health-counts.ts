import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { Health } from '../../connection/health.ts';
import { AccessPatterns } from '../table/keys.ts';
import type { TableRef } from '../table/table-ref.ts';

export interface HealthCounts {
  /** Live (not deleted) connections by health. */
  readonly by_health: Readonly<Record<Health, number>>;
  /** Live connections. */
  readonly total: number;
  /** Deleted connections still kept (they keep their last health but leave the default lists). */
  readonly deleted: number;
}

/**
 * Counts one health listing with `Select: COUNT`: the items never leave the table, and no other kind of item
 * is read (the index is sparse). `ScannedCount - Count` is the deleted ones the filter dropped.
 */
async function countHealth(table: TableRef, health: Health): Promise<{ live: number; deleted: number }> {
  const { index, partition } = AccessPatterns.connectionsByHealth(health);
  let live = 0;
  let scanned = 0;
  const pages = paginateQuery(
    { client: table.client },
    {
      TableName: table.tableName,
      IndexName: index.indexName,
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: 'attribute_type(#deleted, :null)',
      ExpressionAttributeNames: { '#pk': index.partitionKey, '#deleted': 'deleted_at' },
      ExpressionAttributeValues: { ':pk': partition, ':null': 'NULL' },
      Select: 'COUNT',
    },
  );
  for await (const page of pages) {
    live += page.Count ?? 0;
    scanned += page.ScannedCount ?? 0;
  }
  return { live, deleted: scanned - live };
}

/** Connections by health, one count query per health listing, all at once. */
export async function countConnectionsByHealth(
  table: TableRef,
  healths: readonly Health[],
): Promise<HealthCounts> {
  const counts = await Promise.all(healths.map((health) => countHealth(table, health)));
  const byHealth = Object.fromEntries(healths.map((health, i) => [health, counts[i]?.live ?? 0]));
  return {
    by_health: byHealth as Record<Health, number>,
    total: counts.reduce((sum, c) => sum + c.live, 0),
    deleted: counts.reduce((sum, c) => sum + c.deleted, 0),
  };
}
