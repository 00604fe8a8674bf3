import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { isConditionalCheckFailed } from '../table/errors.ts';
import { STATS_KEY } from '../table/keys.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';

/** Account-level counters, readable with one GetItem. */
export interface AccountStats {
  readonly last_webhook_at: string | null;
  readonly events_quarantined: number;
  readonly probes_answered: number;
}

export type AccountCounter = 'events_quarantined' | 'probes_answered';

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export function decodeStats(item: StoredItem | undefined): AccountStats {
  return {
    last_webhook_at: str(item?.last_webhook_at),
    events_quarantined: count(item?.events_quarantined),
    probes_answered: count(item?.probes_answered),
  };
}

export interface AccountStatsRepository {
  get(): Promise<AccountStats>;
  /** Moves `last_webhook_at` forward (never back, whatever order concurrent writers finish in). */
  touchLastWebhook(ms: number): Promise<void>;
  /** Adds `by` (default 1) to the counter. */
  increment(counter: AccountCounter, by?: number): Promise<void>;
  /** Resolves when the table answers (one small read). */
  ping(): Promise<void>;
}

export function accountStatsRepository(table: TableRef): AccountStatsRepository {
  const read = () => table.client.send(new GetCommand({ TableName: table.tableName, Key: STATS_KEY }));
  return {
    async get() {
      return decodeStats((await read()).Item);
    },

    async touchLastWebhook(ms) {
      try {
        await table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: STATS_KEY,
            UpdateExpression: 'SET last_webhook_at = :iso, last_webhook_ms = :ms, schema_version = :sv',
            ConditionExpression: 'attribute_not_exists(last_webhook_ms) OR last_webhook_ms < :ms',
            ExpressionAttributeValues: {
              ':iso': new Date(ms).toISOString(),
              ':ms': ms,
              ':sv': SCHEMA_VERSION,
            },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    },

    async increment(counter, by = 1) {
      await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: STATS_KEY,
          UpdateExpression: 'ADD #counter :one SET schema_version = :sv',
          ExpressionAttributeNames: { '#counter': counter },
          ExpressionAttributeValues: { ':one': by, ':sv': SCHEMA_VERSION },
        }),
      );
    },

    async ping() {
      await read();
    },
  };
}
