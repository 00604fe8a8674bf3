import { type FivetranEvent, toInstantMs } from '../webhook/parse-event.ts';
import { SYNCING } from './connection.ts';
import { eventText, MAX_LABEL_LENGTH, MAX_REASON_LENGTH } from './event-text.ts';
import { factWins } from './newest-fact.ts';

/** One sync run, keyed by Fivetran's `sync_id`, built from its `sync_start` and `sync_end` events. */
export interface SyncRun {
  readonly connection_id: string;
  readonly sync_id: string;
  /** The `sync_end` status, or SYNCING until one arrives. */
  readonly status: string;
  readonly started_at: string | null;
  readonly ended_at: string | null;
  readonly duration_s: number | null;
  readonly reason: string | null;
  readonly task_type: string | null;
  /** Instant (ms) of the `sync_end` behind status/ended_at/reason: a sync can end twice (failure, then retry). */
  readonly end_as_of: number | null;
}

function durationSeconds(startedAt: string | null, endedAt: string | null): number | null {
  const start = toInstantMs(startedAt);
  const end = toInstantMs(endedAt);
  return start === null || end === null ? null : (end - start) / 1000;
}

/** Merges a `sync_start`/`sync_end` into its run; idempotent and order-independent like `applyEvent`. */
export function applyEventToSyncRun(
  current: SyncRun | null,
  event: FivetranEvent,
  connectionId: string,
): SyncRun | null {
  const syncId = event.syncId;
  if (!syncId || (event.event !== 'sync_start' && event.event !== 'sync_end')) return null;
  const next = {
    ...(current ?? {
      connection_id: connectionId,
      sync_id: syncId,
      status: SYNCING,
      started_at: null,
      ended_at: null,
      duration_s: null,
      reason: null,
      task_type: null,
      end_as_of: null,
    }),
  };
  if (event.event === 'sync_start') {
    // Keep the earliest start if Fivetran ever repeats one.
    const known = toInstantMs(next.started_at);
    if (
      event.created !== null &&
      (known === null || (event.createdAtMs ?? Number.POSITIVE_INFINITY) < known)
    ) {
      next.started_at = event.created;
    }
  } else {
    const status = eventText(event.data.status, MAX_LABEL_LENGTH) ?? 'UNKNOWN';
    // Newest sync_end wins; on a tie the greater status string, so any order gives one answer.
    const noEndYet = next.status === SYNCING && next.ended_at === null;
    if (noEndYet || factWins(event.createdAtMs, next.end_as_of, status > next.status)) {
      next.status = status;
      next.ended_at = event.created;
      next.reason = eventText(event.data.reason, MAX_REASON_LENGTH);
      next.task_type =
        eventText(event.data.taskType, MAX_LABEL_LENGTH) ?? eventText(event.data.task_type, MAX_LABEL_LENGTH);
      next.end_as_of = event.createdAtMs;
    }
  }
  next.duration_s = durationSeconds(next.started_at, next.ended_at);
  return next;
}

/** The contract's view of a sync run. */
export function syncRunView(run: SyncRun): Record<string, unknown> {
  return {
    sync_id: run.sync_id,
    status: run.status,
    started_at: run.started_at,
    ended_at: run.ended_at,
    duration_s: run.duration_s,
    reason: run.reason,
    task_type: run.task_type,
  };
}
