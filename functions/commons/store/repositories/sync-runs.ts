import { PutCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { SYNCING } from '../../connection/connection.ts';
import {
  durationSeconds,
  endRank,
  newSyncRun,
  type SyncRun,
  syncEndOf,
  syncRunShape,
} from '../../connection/sync-run.ts';
import { instantKey } from '../../lib/instant.ts';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import type { FivetranEvent } from '../../webhook/parse-event.ts';
import { isConditionalCheckFailed } from '../table/errors.ts';
import { AccessPatterns, indexEntry, syncRunKey } from '../table/keys.ts';
import { allOf, type Page, type PageRequest, queryPage } from '../table/query-page.ts';
import type { Retention } from '../table/retention.ts';
import type { TableRef } from '../table/table-ref.ts';
import { type StoredItem, updateVersioned } from '../table/versioned-update.ts';

/** Sync runs sort by start (or end when the start is unknown), else by the moment they were written. */
export function syncRunItem(run: SyncRun, expiresAt: number, nowMs: number): StoredItem {
  const sortMs = Date.parse(run.started_at ?? run.ended_at ?? '') || nowMs;
  return {
    ...run,
    kind: 'sync_run',
    ...indexEntry(AccessPatterns.syncRunsOf(run.connection_id), `${instantKey(sortMs)}#${run.sync_id}`),
    expires_at: expiresAt,
    schema_version: SCHEMA_VERSION,
  };
}

/** What an unreadable attribute of a stored run falls back to. */
const EMPTY_RUN: SyncRun = { ...newSyncRun('', ''), status: 'UNKNOWN' };

export function decodeSyncRun(item: StoredItem): SyncRun {
  const run = readFields(syncRunShape, item, EMPTY_RUN).value;
  // A webhook's write leaves its rank attributes (`runUpdate`), whatever wrote the item first; an item
  // with no `source` predates it and came from webhooks.
  const fromWebhook =
    item.source !== 'history' || item.end_rank !== undefined || item.started_ms !== undefined;
  // Start and end may come from separate writes: the duration is derived, never trusted as stored.
  return {
    ...run,
    duration_s: durationSeconds(run.started_at, run.ended_at),
    source: fromWebhook ? 'webhook' : 'history',
  };
}

/**
 * One `sync_start` or `sync_end` as a single conditional UpdateItem (no read first): the condition is the
 * merge rule of `applyEventToSyncRun` (earliest start; newest end, an undated one ranked lowest, ties to the
 * greater status), so a write that would not change the run is refused by DynamoDB and costs no second
 * request. Returns the run after the write, or null when the event changed nothing.
 */
function runUpdate(
  connectionId: string,
  syncId: string,
  event: FivetranEvent,
  item: { readonly expiresAt: number; readonly nowMs: number },
): Omit<UpdateCommandInput, 'TableName'> {
  const pattern = AccessPatterns.syncRunsOf(connectionId);
  const sortKey = (ms: number) => `${instantKey(ms)}#${syncId}`;
  // Every attribute the run has, so the first write of either event makes a whole item; the event's own
  // facts replace these defaults below.
  const sets: Record<string, string> = {
    connection_id: ':connection',
    sync_id: ':sync',
    kind: ':kind',
    '#gpk': ':partition',
    expires_at: ':expires',
    schema_version: ':version',
    '#status': 'if_not_exists(#status, :syncing)',
    started_at: 'if_not_exists(started_at, :null)',
    ended_at: 'if_not_exists(ended_at, :null)',
    reason: 'if_not_exists(reason, :null)',
    task_type: 'if_not_exists(task_type, :null)',
    end_as_of: 'if_not_exists(end_as_of, :null)',
    '#gsk': 'if_not_exists(#gsk, :sort)',
  };
  const values: Record<string, unknown> = {
    ':connection': connectionId,
    ':sync': syncId,
    ':kind': 'sync_run',
    ':partition': pattern.partition,
    ':expires': item.expiresAt,
    ':version': SCHEMA_VERSION,
    ':syncing': SYNCING,
    ':null': null,
    ':sort': sortKey(item.nowMs),
  };
  let condition: string;
  if (event.event === 'sync_start') {
    if (event.created === null || event.createdAtMs === null) {
      // An undated start only makes the run exist.
      condition = 'attribute_not_exists(pk)';
    } else {
      Object.assign(sets, { started_at: ':start', started_ms: ':ms', '#gsk': ':sort' });
      Object.assign(values, {
        ':start': event.created,
        ':ms': event.createdAtMs,
        ':sort': sortKey(event.createdAtMs),
      });
      condition = 'attribute_not_exists(started_ms) OR started_ms > :ms';
    }
  } else {
    const end = syncEndOf(event);
    Object.assign(sets, {
      '#status': ':status',
      ended_at: ':ended',
      reason: ':reason',
      task_type: ':task',
      end_as_of: ':endAsOf',
      end_rank: ':rank',
    });
    Object.assign(values, {
      ':status': end.status,
      ':ended': end.ended_at,
      ':reason': end.reason,
      ':task': end.task_type,
      ':endAsOf': end.end_as_of,
      ':rank': endRank(end.end_as_of),
      ':sort': sortKey(event.createdAtMs ?? item.nowMs),
    });
    condition =
      'attribute_not_exists(end_rank) OR end_rank < :rank OR (end_rank = :rank AND #status < :status)';
  }
  const expression = `SET ${Object.entries(sets)
    .map(([name, value]) => `${name} = ${value}`)
    .join(', ')}`;
  // DynamoDB refuses values an expression does not use.
  const used = `${expression} ${condition}`;
  const usedValues = Object.fromEntries(
    Object.entries(values).filter(([key]) => new RegExp(`${key}\\b`).test(used)),
  );
  return {
    Key: syncRunKey(connectionId, syncId),
    UpdateExpression: expression,
    ConditionExpression: condition,
    ExpressionAttributeNames: {
      '#gpk': pattern.index.partitionKey,
      '#gsk': pattern.index.sortKey,
      '#status': 'status',
    },
    ExpressionAttributeValues: usedValues,
    ReturnValues: 'ALL_NEW',
  };
}

export interface SyncRunRepository {
  /**
   * Applies one `sync_start`/`sync_end` to its run in one conditional request (see `runUpdate`); the run
   * after the write, or null when the event changed nothing (a duplicate, an older end, a later start).
   */
  applyEvent(connectionId: string, syncId: string, event: FivetranEvent): Promise<SyncRun | null>;
  /**
   * Read-modify-write of one run (optimistic concurrency, like connections): `plan` returns the next run or
   * null for "no change". Returns the run after the call.
   */
  update(
    connectionId: string,
    syncId: string,
    plan: (current: SyncRun | null) => SyncRun | null,
  ): Promise<SyncRun | null>;
  /** The connection's newest runs that have not expired, newest first (20 unless told). */
  listRecent(connectionId: string, limit?: number): Promise<SyncRun[]>;
  /** One page of the connection's runs, newest first; `statuses` (exact words) narrows it. */
  listPage(
    connectionId: string,
    filters: { readonly statuses?: readonly string[] | undefined },
    page: PageRequest,
  ): Promise<Page<SyncRun>>;
  /**
   * The connection's runs (not expired) placed at or after `sinceMs` (their start, else their end), oldest
   * first, at most `max`: what a backfill compares the history it read with.
   */
  listSince(connectionId: string, sinceMs: number, max: number): Promise<SyncRun[]>;
  /**
   * Keeps a run read from the sync-history endpoint, unless a webhook told us about that sync: creates it, or
   * completes a history run still SYNCING; anything else is left as it is (a webhook's word always wins).
   * One conditional put; true when it wrote.
   */
  putFromHistory(run: SyncRun): Promise<boolean>;
}

export function syncRunRepository(
  table: TableRef,
  options: { readonly maxAttempts: number; readonly retention: Retention; readonly now: () => number },
): SyncRunRepository {
  const versioned = { ...table, maxAttempts: options.maxAttempts };
  return {
    async applyEvent(connectionId, syncId, event) {
      const nowMs = options.now();
      try {
        const { Attributes } = await table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            ...runUpdate(connectionId, syncId, event, {
              expiresAt: options.retention.expiresAt(nowMs),
              nowMs,
            }),
          }),
        );
        return Attributes ? decodeSyncRun(Attributes) : null;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return null;
        throw error;
      }
    },

    async update(connectionId, syncId, plan) {
      const result = await updateVersioned(
        versioned,
        syncRunKey(connectionId, syncId),
        decodeSyncRun,
        (current) => {
          const next = plan(current);
          if (next === null) return null;
          const ms = options.now();
          return { value: next, item: syncRunItem(next, options.retention.expiresAt(ms), ms) };
        },
      );
      return result.after;
    },

    listPage(connectionId, filters, page) {
      const statuses = [...new Set(filters.statuses ?? [])];
      const statusFilter =
        statuses.length === 0
          ? null
          : {
              expression: `#status IN (${statuses.map((_, i) => `:status${i}`).join(', ')})`,
              names: { '#status': 'status' },
              values: Object.fromEntries(statuses.map((status, i) => [`:status${i}`, status])),
            };
      return queryPage(table, {
        pattern: AccessPatterns.syncRunsOf(connectionId),
        newestFirst: true,
        filter: allOf([options.retention.notExpired(options.now()), statusFilter]),
        scope: { listing: 'syncs', filters: { connectionId, status: statuses.join(',') || undefined } },
        page,
        decode: decodeSyncRun,
      });
    },

    async listSince(connectionId, sinceMs, max) {
      const { index, partition } = AccessPatterns.syncRunsOf(connectionId);
      const expired = options.retention.notExpired(options.now());
      const runs: SyncRun[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const result = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            IndexName: index.indexName,
            KeyConditionExpression: '#pk = :pk AND #sk >= :from',
            FilterExpression: expired.expression,
            ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey, ...expired.names },
            ExpressionAttributeValues: { ':pk': partition, ':from': instantKey(sinceMs), ...expired.values },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of result.Items ?? []) {
          if (runs.length >= max) return runs;
          runs.push(decodeSyncRun(item));
        }
        start = result.LastEvaluatedKey;
      } while (start);
      return runs;
    },

    async putFromHistory(run) {
      const nowMs = options.now();
      try {
        await table.client.send(
          new PutCommand({
            TableName: table.tableName,
            Item: {
              ...syncRunItem(run, options.retention.expiresAt(nowMs), nowMs),
              ...syncRunKey(run.connection_id, run.sync_id),
              source: 'history',
            },
            ConditionExpression:
              'attribute_not_exists(pk) OR (#source = :history AND attribute_not_exists(end_rank) AND ' +
              'attribute_not_exists(started_ms) AND #status = :syncing)',
            ExpressionAttributeNames: { '#source': 'source', '#status': 'status' },
            ExpressionAttributeValues: { ':history': 'history', ':syncing': SYNCING },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    async listRecent(connectionId, limit = 20) {
      const page = await queryPage(table, {
        pattern: AccessPatterns.syncRunsOf(connectionId),
        newestFirst: true,
        filter: options.retention.notExpired(options.now()),
        scope: { listing: 'syncs', filters: { connectionId } },
        page: { limit, cursor: null },
        decode: decodeSyncRun,
      });
      return page.items;
    },
  };
}
