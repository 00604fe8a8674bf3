import {
  enum as enumOf,
  type infer as Infer,
  nullable,
  number,
  object,
  strictObject,
  string,
} from 'zod/mini';
import { toInstantMs } from '../lib/instant.ts';
import { clipText, MAX_LABEL_LENGTH, MAX_REASON_LENGTH } from '../lib/text.ts';
import type { FivetranEvent } from '../webhook/parse-event.ts';
import { SYNCING } from './connection.ts';

const text = nullable(string());

/** Who told us about a run: a webhook (`sync_start`/`sync_end`), or the sync-history endpoint (backfill). */
export const RUN_SOURCES = ['webhook', 'history'] as const;
export type RunSource = (typeof RUN_SOURCES)[number];

/** A sync run as the contract shows it. */
export const syncRunViewShape = {
  sync_id: string(),
  /** The `sync_end` status, or SYNCING until one arrives. */
  status: string(),
  started_at: text,
  ended_at: text,
  duration_s: nullable(number()),
  reason: text,
  task_type: text,
  /** A webhook's word always wins over history's for the same sync. */
  source: enumOf(RUN_SOURCES),
};
export const syncRunViewSchema = strictObject(syncRunViewShape);
export type SyncRunView = Infer<typeof syncRunViewSchema>;

/**
 * One sync run, keyed by Fivetran's `sync_id`, built from its `sync_start` and `sync_end` events; stored with
 * its connection and `end_as_of`, the instant (ms) of the `sync_end` behind status/ended_at/reason (a sync can
 * end twice: failure, then retry).
 */
export const syncRunShape = {
  ...syncRunViewShape,
  connection_id: string(),
  end_as_of: nullable(number()),
};
export const syncRunSchema = object(syncRunShape);
export type SyncRun = Infer<typeof syncRunSchema>;

/** How a `sync_end` is ranked against another: its instant, an undated one below every dated one. */
export function endRank(ms: number | null): number {
  return ms ?? -1;
}

/** The fields a `sync_end` states about its run. */
export function syncEndOf(event: FivetranEvent) {
  return {
    status: clipText(event.data.status, MAX_LABEL_LENGTH) ?? 'UNKNOWN',
    ended_at: event.created,
    reason: clipText(event.data.reason, MAX_REASON_LENGTH),
    task_type:
      clipText(event.data.taskType, MAX_LABEL_LENGTH) ?? clipText(event.data.task_type, MAX_LABEL_LENGTH),
    end_as_of: event.createdAtMs,
  };
}

/** Seconds from start to end, when both are known. */
export function durationSeconds(startedAt: string | null, endedAt: string | null): number | null {
  const start = toInstantMs(startedAt);
  const end = toInstantMs(endedAt);
  return start === null || end === null ? null : (end - start) / 1000;
}

/** A run known only by its ids: syncing, nothing else known yet. */
export function newSyncRun(connectionId: string, syncId: string): SyncRun {
  return {
    connection_id: connectionId,
    sync_id: syncId,
    status: SYNCING,
    started_at: null,
    ended_at: null,
    duration_s: null,
    reason: null,
    task_type: null,
    source: 'webhook',
    end_as_of: null,
  };
}

/** Merges a `sync_start`/`sync_end` into its run; idempotent and order-independent like `applyEvent`. */
export function applyEventToSyncRun(
  current: SyncRun | null,
  event: FivetranEvent,
  connectionId: string,
): SyncRun | null {
  const syncId = event.syncId;
  if (!syncId || (event.event !== 'sync_start' && event.event !== 'sync_end')) return null;
  const next = { ...(current ?? newSyncRun(connectionId, syncId)) };
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
    const end = syncEndOf(event);
    // Newest sync_end wins (an undated one ranks below any dated one); on a tie the greater status
    // string, so any order gives one answer. The store's conditional update applies the same rule.
    const noEndYet = next.status === SYNCING && next.ended_at === null;
    const rank = endRank(event.createdAtMs);
    const currentRank = endRank(next.end_as_of);
    if (noEndYet || rank > currentRank || (rank === currentRank && end.status > next.status)) {
      Object.assign(next, end);
    }
  }
  next.duration_s = durationSeconds(next.started_at, next.ended_at);
  // What a webhook said about a sync replaces what history said (see `putFromHistory`).
  next.source = 'webhook';
  return next;
}

const VIEW_FIELDS = Object.keys(syncRunViewShape) as (keyof SyncRunView)[];

/** The contract's view of a sync run. */
export function syncRunView(run: SyncRun): SyncRunView {
  const view: Record<string, unknown> = {};
  for (const field of VIEW_FIELDS) view[field] = run[field];
  return view as SyncRunView;
}
