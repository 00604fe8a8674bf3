import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
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
import { queryPage } from '../table/query-page.ts';
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
  // Start and end may come from separate writes: the duration is derived, never trusted as stored.
  return { ...run, duration_s: durationSeconds(run.started_at, run.ended_at) };
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
