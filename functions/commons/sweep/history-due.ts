import { type Connection, SYNCING } from '../connection/connection.ts';
import { durationSeconds, type SyncRun } from '../connection/sync-run.ts';
import { newestRunEnd } from '../connection/sync-stats.ts';
import { SYNC_HISTORY_MAX_WINDOW_MS, type SyncHistoryRun } from '../fivetran/sync-history.ts';
import { toInstantMs } from '../lib/instant.ts';
import { clipText, MAX_LABEL_LENGTH, MAX_REASON_LENGTH } from '../lib/text.ts';
import { usableId } from '../lib/usable-id.ts';

/**
 * Why a connection's sync history is read:
 * - `first`: never read (the first sweep, or a new connection);
 * - `gap`: two webhook-known runs further apart than the schedule promises;
 * - `behind`: the listing knows a newer run than we do (a webhook lost, or no webhook at all);
 * - `webhook_inactive`: our webhook was found inactive at Fivetran and the connection ran since the last read.
 */
export const HISTORY_REASONS = ['first', 'gap', 'behind', 'webhook_inactive'] as const;
export type HistoryReason = (typeof HISTORY_REASONS)[number];

export interface HistoryDue {
  readonly id: string;
  readonly reason: HistoryReason;
  /** Read history from here (ms), within the 7 days Fivetran allows. */
  readonly fromMs: number;
  /** The connection's newest activity (ms): the most recently active are read first (history ages out). */
  readonly activityMs: number;
}

/** What the sweep knows beside the connection. */
export interface HistoryDueContext {
  readonly nowMs: number;
  /** This sweep's webhook check: false when our webhook is inactive at Fivetran; null when unknown. */
  readonly webhookActive: boolean | null;
}

const HOUR_MS = 3_600_000;
/** A window a minute short of Fivetran's 7 days, so clocks that disagree never make it one too long. */
export const HISTORY_WINDOW_MS = SYNC_HISTORY_MAX_WINDOW_MS - 60_000;
/** The listing's `succeeded_at`/`failed_at` may differ from the webhook's `sync_end` by a little. */
const BEHIND_TOLERANCE_MS = 2 * 60_000;
const RANK: Record<HistoryReason, number> = { gap: 0, behind: 0, webhook_inactive: 0, first: 1 };

const maxOf = (values: readonly (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.max(...known);
};

/**
 * Whether the connection's sync history should be read, and from when (see `HISTORY_REASONS`). A connection
 * that never synced (no run known, no `succeeded_at`/`failed_at`) has nothing to read; a deleted one neither.
 * "No event for longer than the schedule promises" shows either as a `gap` (the next webhook run comes late)
 * or as `behind` (the listing's newer `succeeded_at`/`failed_at` was never told to us by a webhook).
 */
export function historyDue(connection: Connection, context: HistoryDueContext): HistoryDue | null {
  if (connection.deleted_at !== null) return null;
  const { nowMs } = context;
  const ledger = connection.sync_ledger;
  const apiLatest = maxOf([toInstantMs(connection.succeeded_at), toInstantMs(connection.failed_at)]);
  const known = maxOf([
    newestRunEnd(ledger),
    ...[connection.last_completed_sync, connection.last_sync]
      .filter((record) => record !== null && record.source !== 'api')
      .map((record) => toInstantMs(record?.ended_at ?? record?.started_at ?? null)),
  ]);
  const windowStart = nowMs - HISTORY_WINDOW_MS;
  const activityMs = maxOf([apiLatest, known]) ?? 0;
  const due = (reason: HistoryReason, fromMs: number) => ({
    id: connection.id,
    reason,
    fromMs: Math.max(windowStart, fromMs),
    activityMs,
  });
  const historyAt = ledger?.history_at ?? null;
  if (historyAt === null) return apiLatest === null && known === null ? null : due('first', windowStart);
  if (ledger?.gap_from != null) return due('gap', ledger.gap_from - HOUR_MS);
  if (apiLatest === null || apiLatest <= historyAt) return null;
  const lastRead = Math.min(historyAt, known ?? historyAt) - HOUR_MS;
  if (context.webhookActive === false) return due('webhook_inactive', lastRead);
  if (apiLatest > (known ?? Number.NEGATIVE_INFINITY) + BEHIND_TOLERANCE_MS) return due('behind', lastRead);
  return null;
}

/** Gaps and missed runs first (the account is catching up), then first reads; the most active first. */
export function compareHistoryDue(a: HistoryDue, b: HistoryDue): number {
  return RANK[a.reason] - RANK[b.reason] || b.activityMs - a.activityMs || (a.id < b.id ? -1 : 1);
}

const instantOrNull = (value: string | null) => (toInstantMs(value) === null ? null : value);

/** A run as the sync-history endpoint gave it, in the stored shape (texts clipped); null when unusable. */
export function runFromHistory(connectionId: string, item: SyncHistoryRun): SyncRun | null {
  const syncId = usableId(clipText(item.sync_id, MAX_LABEL_LENGTH));
  if (syncId === null) return null;
  const startedAt = instantOrNull(item.started_at);
  const endedAt = instantOrNull(item.ended_at);
  const status = clipText(item.status, MAX_LABEL_LENGTH) ?? (endedAt === null ? SYNCING : 'UNKNOWN');
  return {
    connection_id: connectionId,
    sync_id: syncId,
    status,
    started_at: startedAt,
    ended_at: endedAt,
    duration_s: durationSeconds(startedAt, endedAt),
    reason: clipText(item.reason, MAX_REASON_LENGTH),
    task_type: null,
    source: 'history',
    end_as_of: toInstantMs(endedAt),
  };
}
