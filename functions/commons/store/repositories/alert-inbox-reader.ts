import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { safeParse } from 'zod/mini';
import { AccessPatterns, alertChangeKey } from '../table/keys.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';
import { type RecordedHealthChange, recordedHealthChangeSchema } from './alert-inbox.ts';

/** The alert pass's side of the inbox (see `alert-inbox.ts`): the changes to plan, oldest first. */
export interface AlertInboxEntry {
  /** Identity of the change (connection, instant, from, to); what `remove` takes. */
  readonly key: string;
  /** Null when the stored item no longer reads as a change (edited by hand, or a future shape). */
  readonly change: RecordedHealthChange | null;
  readonly recorded_at: string;
}

export interface AlertInboxRepository {
  /** Up to `limit` (at most 1,000) changes to plan, oldest change first. */
  oldest(limit: number): Promise<AlertInboxEntry[]>;
  remove(key: string): Promise<void>;
}

function decodeEntry(item: StoredItem): AlertInboxEntry | null {
  if (typeof item.key !== 'string') return null;
  const parsed = safeParse(recordedHealthChangeSchema, item.change);
  return {
    key: item.key,
    change: parsed.success ? parsed.data : null,
    recorded_at: typeof item.recorded_at === 'string' ? item.recorded_at : '',
  };
}

export function alertInboxRepository(table: TableRef): AlertInboxRepository {
  return {
    async oldest(limit) {
      const pattern = AccessPatterns.alertsToPlan();
      const { Items } = await table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          IndexName: pattern.index.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': pattern.index.partitionKey },
          ExpressionAttributeValues: { ':pk': pattern.partition },
          ScanIndexForward: true,
          Limit: Math.max(1, Math.min(limit, 1_000)),
        }),
      );
      return (Items ?? []).flatMap((item) => decodeEntry(item) ?? []);
    },

    async remove(key) {
      await table.client.send(new DeleteCommand({ TableName: table.tableName, Key: alertChangeKey(key) }));
    },
  };
}
