import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { array, type infer as Infer, nullable, number, strictObject, string } from 'zod/mini';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import { SYNC_STATS_KEY } from '../table/keys.ts';
import type { TableRef } from '../table/table-ref.ts';

/** How many of the slowest connections the account figures name. */
export const SLOWEST_CONNECTIONS = 5;

const count = number();
export const slowConnectionSchema = strictObject({
  connection_id: string(),
  schema: nullable(string()),
  service: nullable(string()),
  runs: count,
  duration_p50_s: nullable(number()),
  duration_p95_s: nullable(number()),
});
export type SlowConnection = Infer<typeof slowConnectionSchema>;

/**
 * The account's sync runs over the last 7 days, summed by the sweep from every live connection's roll-up
 * (`ACCOUNT`/`SYNC_STATS`, one small item): what `GET /api/summary` shows without reading runs.
 */
export const accountSyncStatsSchema = strictObject({
  runs: count,
  succeeded: count,
  failed: count,
  success_rate: nullable(number()),
  /** Connections with at least one run in the window. */
  connections_with_runs: count,
  /** Slowest first, by their 95th-percentile duration. */
  slowest: array(slowConnectionSchema),
  /** The window's start, and when the sweep summed it. */
  since: string(),
  as_of: string(),
});
export type AccountSyncStats = Infer<typeof accountSyncStatsSchema>;

export interface AccountSyncStatsRepository {
  /** Null until a sweep summed it (or when the item cannot be read). */
  get(): Promise<AccountSyncStats | null>;
  put(stats: AccountSyncStats): Promise<void>;
}

const FALLBACK: AccountSyncStats = {
  runs: 0,
  succeeded: 0,
  failed: 0,
  success_rate: null,
  connections_with_runs: 0,
  slowest: [],
  since: new Date(0).toISOString(),
  as_of: new Date(0).toISOString(),
};

export function accountSyncStatsRepository(table: TableRef): AccountSyncStatsRepository {
  return {
    async get() {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: SYNC_STATS_KEY }),
      );
      if (!Item) return null;
      const { value, fellBack } = readFields(accountSyncStatsSchema.def.shape, Item, FALLBACK);
      return fellBack.includes('as_of') ? null : value;
    },

    async put(stats) {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { ...stats, ...SYNC_STATS_KEY, kind: 'sync_stats', schema_version: SCHEMA_VERSION },
        }),
      );
    },
  };
}
