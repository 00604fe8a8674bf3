import * as z from 'zod';
import { normaliseSyncStatus } from './schemas.ts';
import type { IdentityOf } from './tolerant-read.ts';

/**
 * `GET /v1/connections/{id}/sync-history` (Accept version=2): documented on Fivetran's API reference
 * ("Retrieve Connection Sync History", at most a 7-day `start_time`..`end_time` window, cursor paging) but
 * absent from the 2026-07 OpenAPI file, and its entries reportedly age out within hours. The reference page
 * shows the window parameters and a start timestamp per item that is null before the sync starts; it does
 * not show every field name, so the reader accepts the spellings Fivetran uses elsewhere (`sync_id` as in
 * webhooks, `start_time`/`end_time` as the query names them, `*_at` as the connection fields are named) and
 * treats a page it cannot read at all as "endpoint not available" rather than as an error.
 */
const maybeText = z.string().nullish();

export const syncHistoryItemSchema = z.looseObject({
  sync_id: maybeText,
  id: maybeText,
  status: maybeText,
  start_time: maybeText,
  started_at: maybeText,
  end_time: maybeText,
  ended_at: maybeText,
  reason: maybeText,
  failure_reason: maybeText,
});

export type SyncHistoryItem = z.infer<typeof syncHistoryItemSchema>;

/** One run as callers get it: Fivetran's words, status normalised to upper case, unknown values as sent. */
export interface SyncHistoryRun {
  readonly sync_id: string;
  /** `SUCCESSFUL`, `FAILURE`, `FAILURE_WITH_TASK`, `FAILED`, `RESCHEDULED`, others as sent; null while unknown. */
  readonly status: string | null;
  readonly started_at: string | null;
  readonly ended_at: string | null;
  readonly reason: string | null;
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** A run is readable when it names itself and says at least one of status, start or end. */
export const syncRunIdentity: IdentityOf = (item) => {
  const id = str(item.sync_id) ?? str(item.id);
  if (id === null) return null;
  const said = [item.status, item.start_time, item.started_at, item.end_time, item.ended_at].some(
    (value) => str(value) !== null,
  );
  return said ? id : null;
};

export function toSyncRun(item: SyncHistoryItem): SyncHistoryRun {
  const status = str(item.status);
  return {
    sync_id: (str(item.sync_id) ?? str(item.id)) as string,
    status: status === null ? null : normaliseSyncStatus(status),
    started_at: str(item.start_time) ?? str(item.started_at),
    ended_at: str(item.end_time) ?? str(item.ended_at),
    reason: str(item.reason) ?? str(item.failure_reason),
  };
}

/** Fivetran answers at most 7 days per query. */
export const SYNC_HISTORY_MAX_WINDOW_MS = 7 * 24 * 60 * 60_000;

export interface SyncHistoryWindow {
  /** ISO 8601 instants; `endTime` after `startTime`, at most 7 days apart. */
  readonly startTime: string;
  readonly endTime: string;
}

/** The widest window Fivetran allows, ending now. */
export function lastSevenDays(nowMs: number): SyncHistoryWindow {
  return {
    startTime: new Date(nowMs - SYNC_HISTORY_MAX_WINDOW_MS).toISOString(),
    endTime: new Date(nowMs).toISOString(),
  };
}

/** Throws a RangeError for a window Fivetran would refuse: a caller's mistake, not Fivetran's answer. */
export function checkSyncHistoryWindow(window: SyncHistoryWindow): void {
  const start = Date.parse(window.startTime);
  const end = Date.parse(window.endTime);
  if (Number.isNaN(start) || Number.isNaN(end)) throw new RangeError('sync-history window: not ISO instants');
  if (end <= start) throw new RangeError('sync-history window: end_time must be after start_time');
  if (end - start > SYNC_HISTORY_MAX_WINDOW_MS) throw new RangeError('sync-history window: more than 7 days');
}
