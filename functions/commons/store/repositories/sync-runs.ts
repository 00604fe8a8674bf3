import { newSyncRun, type SyncRun, syncRunShape } from '../../connection/sync-run.ts';
import { instantKey } from '../../lib/instant.ts';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
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
  return readFields(syncRunShape, item, EMPTY_RUN).value;
}

export interface SyncRunRepository {
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
