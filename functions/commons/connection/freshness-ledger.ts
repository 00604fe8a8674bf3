import type { Connection, SyncRecord } from './connection.ts';
import { assessFreshness, promisedGapMs } from './freshness.ts';
import { withKnownStart } from './recent-starts.ts';
import { foldRun, type Outcome, RECENT_RUNS, type SyncLedger } from './sync-stats.ts';

/**
 * What every connection write adds beside health (`withHealth` calls it first): the freshness recomputed at
 * `nowIso`. The 7-day roll-up is not touched here: each sync event folds its own run (`foldSyncEvent`).
 */
export function withFreshnessAndLedger(
  connection: Connection,
  previous: Connection | null,
  nowIso: string,
): Connection {
  return {
    ...connection,
    freshness: assessFreshness(connection, previous?.freshness ?? null, Date.parse(nowIso)),
  };
}

/** A status word standing for a remembered outcome, for re-folding a run whose start came after its end. */
const STATUS_OF: Record<Outcome, string> = {
  succeeded: 'SUCCESSFUL',
  failed: 'FAILURE',
  other: 'RESCHEDULED',
};

/**
 * The roll-up with one webhook's run folded in, whatever order the deliveries come in (Fivetran retries, so
 * they do): a `sync_end` counts its own run (its start from the connection's recent starts, when known), and a
 * `sync_start` that comes after its run's end gives that run its duration. Idempotent per `sync_id` among the
 * newest runs; an end older than all of a full list of newest runs may have been counted already and fallen out
 * of the list, so it is not counted here: it marks a gap from its end, and the next sweep recounts the runs
 * from there out of Fivetran's sync history (as after any webhook gap).
 */
export function foldSyncEvent(connection: Connection, record: SyncRecord, nowMs: number): SyncLedger | null {
  const ledger = connection.sync_ledger;
  if (record.sync_id === null) return ledger;
  const recent = ledger?.recent ?? [];
  if (record.ended_at === null) {
    // A start: only a run already ended (and so already counted) without its duration changes.
    const ended = recent.find((run) => run.sync_id === record.sync_id && run.bin === null);
    if (ended === undefined || record.started_at === null) return ledger;
    return foldRun(
      ledger,
      {
        sync_id: ended.sync_id,
        status: STATUS_OF[ended.outcome],
        started_at: record.started_at,
        ended_at: new Date(ended.end_ms).toISOString(),
      },
      nowMs,
    );
  }
  const endMs = Date.parse(record.ended_at);
  const oldest = recent[recent.length - 1];
  const known = recent.some((run) => run.sync_id === record.sync_id);
  if (
    ledger !== null &&
    !known &&
    recent.length >= RECENT_RUNS &&
    oldest !== undefined &&
    endMs < oldest.end_ms
  ) {
    // Counted already or not, it cannot tell: the next sweep recounts from Fivetran's sync history from here.
    const gapFrom = ledger.gap_from === null ? endMs : Math.min(ledger.gap_from, endMs);
    return gapFrom === ledger.gap_from ? ledger : { ...ledger, gap_from: gapFrom };
  }
  const run = withKnownStart(record, connection.recent_starts);
  return foldRun(ledger, run, nowMs, { gapAfterMs: promisedGapMs(connection) });
}
