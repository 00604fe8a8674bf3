import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Health } from '../health.ts';
import type { HealthNotifier } from '../store/health-notifier.ts';
import { type ItemKey, SCHEMA_VERSION } from '../store/keys.ts';
import { isConditionalCheckFailed } from '../store/store-errors.ts';
import type { TableRef } from '../store/table-ref.ts';
import { healthChangeDetail } from './eventbridge-notifier.ts';

/**
 * The last health changes, kept in one small item, so the dashboard and `GET /api/summary` show them with
 * one GetItem: no scan, no index. Item `pk ACCOUNT`, `sk HEALTH_CHANGES`, attribute `changes`.
 */
export const HEALTH_CHANGES_KEY: ItemKey = { pk: 'ACCOUNT', sk: 'HEALTH_CHANGES' };
export const RECENT_HEALTH_CHANGES = 20;

/** One entry: the same detail the EventBridge event carries. */
export interface HealthChangeEntry {
  readonly connection_id: string;
  readonly schema: string | null;
  readonly service: string | null;
  readonly group_id: string | null;
  readonly from: Health | null;
  readonly to: Health;
  readonly reason: string | null;
  readonly at: string;
}

function decodeEntries(value: unknown): HealthChangeEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (entry): entry is HealthChangeEntry =>
      entry !== null &&
      typeof entry === 'object' &&
      typeof (entry as HealthChangeEntry).connection_id === 'string' &&
      typeof (entry as HealthChangeEntry).at === 'string',
  );
}

/** Newest first by instant (changes can be recorded out of order); equal instants keep their order. */
function newest(entries: HealthChangeEntry[], limit: number): HealthChangeEntry[] {
  return entries
    .map((entry, position) => ({ entry, position, ms: Date.parse(entry.at) || 0 }))
    .sort((a, b) => b.ms - a.ms || a.position - b.position)
    .slice(0, limit)
    .map(({ entry }) => entry);
}

/**
 * A notifier that keeps the last real changes. Each change is prepended atomically (`list_append`), so any
 * number of concurrent writers never conflict; once the list holds twice the limit, one writer compacts it
 * back to the newest `limit` (conditional on its length, so a compaction never drops a fresh append).
 * A connection seen for the first time (`previous` null) is not a change: the first sweep of a large
 * account would otherwise flood the list with arrivals.
 */
export function healthChangeLog(table: TableRef, limit = RECENT_HEALTH_CHANGES): HealthNotifier {
  async function compact(entries: HealthChangeEntry[]): Promise<void> {
    try {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            ...HEALTH_CHANGES_KEY,
            kind: 'health_changes',
            changes: newest(entries, limit),
            schema_version: SCHEMA_VERSION,
          },
          ConditionExpression: 'size(#changes) = :length',
          ExpressionAttributeNames: { '#changes': 'changes' },
          ExpressionAttributeValues: { ':length': entries.length },
        }),
      );
    } catch (error) {
      // Someone appended meanwhile: a later append compacts.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  return {
    async onHealthChange(change) {
      if (change.previous === null) return;
      const entry = healthChangeDetail(change) as unknown as HealthChangeEntry;
      const { Attributes } = await table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: HEALTH_CHANGES_KEY,
          UpdateExpression:
            'SET #changes = list_append(:entry, if_not_exists(#changes, :empty)), kind = :kind, schema_version = :version',
          ExpressionAttributeNames: { '#changes': 'changes' },
          ExpressionAttributeValues: {
            ':entry': [entry],
            ':empty': [],
            ':kind': 'health_changes',
            ':version': SCHEMA_VERSION,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const entries = decodeEntries(Attributes?.changes);
      if (entries.length >= limit * 2) await compact(entries);
    },
  };
}

/** The recent changes, newest first (empty before the first one). */
export async function recentHealthChanges(
  table: TableRef,
  limit = RECENT_HEALTH_CHANGES,
): Promise<HealthChangeEntry[]> {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: HEALTH_CHANGES_KEY }),
  );
  return newest(decodeEntries(Item?.changes), limit);
}
