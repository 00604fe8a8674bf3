import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { enum as enumOf, type infer as Infer, nullable, optional, strictObject, string } from 'zod/mini';
import { HEALTH_REASON_CODES, HEALTH_VALUES } from '../../connection/health.ts';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { isConditionalCheckFailed } from '../table/errors.ts';
import { HEALTH_CHANGES_KEY } from '../table/keys.ts';
import type { TableRef } from '../table/table-ref.ts';

/**
 * The last health changes, kept in one small item, so the dashboard and `GET /api/summary` show them with
 * one GetItem: no scan, no index. Item `pk ACCOUNT`, `sk HEALTH_CHANGES`, attribute `changes`.
 */
export const RECENT_HEALTH_CHANGES = 20;

const health = enumOf(HEALTH_VALUES);
/** One entry: the same detail the EventBridge event carries. */
export const healthChangeEntrySchema = strictObject({
  connection_id: string(),
  schema: nullable(string()),
  service: nullable(string()),
  group_id: nullable(string()),
  from: nullable(health),
  to: health,
  reason: nullable(string()),
  reason_code: optional(nullable(enumOf(HEALTH_REASON_CODES))),
  since: optional(nullable(string())),
  at: string(),
});
export type HealthChangeEntry = Infer<typeof healthChangeEntrySchema>;

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

export interface HealthChangeRepository {
  /**
   * Prepends one change atomically (`list_append`), so concurrent writers never conflict; once the list holds
   * twice the limit, one writer compacts it back to the newest `limit` (conditional on its length, so a
   * compaction never drops a fresh append).
   */
  append(entry: HealthChangeEntry): Promise<void>;
  /** The recent changes, newest first (empty before the first one). */
  recent(): Promise<HealthChangeEntry[]>;
}

export function healthChangeRepository(
  table: TableRef,
  limit = RECENT_HEALTH_CHANGES,
): HealthChangeRepository {
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
    async append(entry) {
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

    async recent() {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: HEALTH_CHANGES_KEY }),
      );
      return newest(decodeEntries(Item?.changes), limit);
    },
  };
}
