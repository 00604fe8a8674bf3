import { type Connection, SYNCING, type SyncRecord } from '../connection/connection.ts';
import { mergeCompletedSync, mergeSyncRecord } from '../connection/sync-record.ts';
import type { SyncRun } from '../connection/sync-run.ts';
import { DAY_MS, ledgerFromRuns, reconcileLedger, windowStartDay } from '../connection/sync-stats.ts';
import {
  CredentialRejectedError,
  EndpointUnavailableError,
  FivetranError,
  isConnectionGone,
  PermissionMissingError,
} from '../fivetran/errors.ts';
import { WorkPool } from '../lib/work-pool.ts';
import { recordAccountSyncStats } from './account-sync-stats.ts';
import { compareHistoryDue, type HistoryDue, historyDue, runFromHistory } from './history-due.ts';
import { remainingOptional } from './sweep-budget.ts';
import { type ConnectionListing, remember } from './sweep-connections.ts';
import { ensureTime, type SweepContext, SweepTimeUp } from './sweep-context.ts';

/** What the history phase did, kept on the sweep record (`history`). */
export interface HistoryFindings {
  connections_due: number;
  connections_backfilled: number;
  requests: number;
  runs_written: number;
  /** Why backfill stopped or did not happen (the endpoint not served, the budget spent …); null when done. */
  note: string | null;
  /**
   * Since when the endpoint has not been served (ISO), carried from sweep to sweep; null while it is. The
   * sweep that finds it missing says so in `note`; later ones stay quiet and ask again once a day.
   */
  unavailable_since: string | null;
}

/** A missing sync-history endpoint is asked again after this long (an account's plan or Fivetran may change). */
export const HISTORY_RETRY_MS = 24 * 3_600_000;
/** A run a minute for 7 days: more than any connection can have. */
const MAX_RUNS_PER_CONNECTION = 10_080;
const CONNECTIONS_IN_FLIGHT = 4;

const recordOf = (run: SyncRun): SyncRecord => ({
  sync_id: run.sync_id,
  status: run.status,
  started_at: run.started_at,
  ended_at: run.ended_at,
  reason: run.reason,
  source: 'history',
});

/** The optional requests this phase may make: half of what the hourly budget leaves (schemas get the rest). */
interface Share {
  readonly allowed: number;
  spent: number;
}

function reserve(context: SweepContext, share: Share): boolean {
  if (share.spent >= share.allowed) return false;
  share.spent++;
  if (context.findings.optional) context.findings.optional.used++;
  return true;
}

/** Reads one connection's runs of the window; `complete` is false when the budget ran out between pages. */
async function readHistory(
  context: SweepContext,
  due: HistoryDue,
  share: Share,
  findings: HistoryFindings,
): Promise<{ runs: SyncRun[]; complete: boolean } | null> {
  if (!reserve(context, share)) return null;
  const nowMs = context.now();
  const window = { startTime: new Date(due.fromMs).toISOString(), endTime: new Date(nowMs).toISOString() };
  const runs: SyncRun[] = [];
  findings.requests++;
  for await (const page of context.client.syncHistoryPages(due.id, window)) {
    for (const item of page.items) {
      const run = runFromHistory(due.id, item);
      if (run !== null && runs.length < MAX_RUNS_PER_CONNECTION) runs.push(run);
    }
    if (page.nextCursor === null) break;
    ensureTime(context, 'reading sync history');
    if (!reserve(context, share)) return { runs, complete: false };
    findings.requests++;
  }
  return { runs, complete: true };
}

/** Backfills one connection: the runs webhooks never told us, its last syncs, and its roll-up recounted. */
async function backfill(
  context: SweepContext,
  listing: ConnectionListing,
  due: HistoryDue,
  share: Share,
  findings: HistoryFindings,
): Promise<void> {
  let read: Awaited<ReturnType<typeof readHistory>>;
  try {
    read = await readHistory(context, due, share, findings);
  } catch (error) {
    if (isConnectionGone(error)) return; // deletion is confirmed by its own phase
    throw error;
  }
  if (read === null) return;
  const nowMs = context.now();
  const windowStartMs = windowStartDay(nowMs) * DAY_MS;
  const stored = new Map(
    (
      await context.repositories.syncRuns.listSince(
        due.id,
        windowStartMs - DAY_MS,
        5 * MAX_RUNS_PER_CONNECTION,
      )
    ).map((run) => [run.sync_id, run]),
  );
  const fresh = new Map(read.runs.map((run) => [run.sync_id, run]));
  const written: SyncRun[] = [];
  const pool = new WorkPool(context.concurrency);
  try {
    for (const run of fresh.values()) {
      const known = stored.get(run.sync_id);
      const completes = known?.source === 'history' && known.status === SYNCING && run.status !== SYNCING;
      if (known !== undefined && !completes) continue;
      await pool.add(async () => {
        if (await context.repositories.syncRuns.putFromHistory(run)) {
          written.push(run);
          stored.set(run.sync_id, run);
        }
      });
    }
    await pool.drain();
  } catch (error) {
    await pool.settle();
    throw error;
  }
  findings.runs_written += written.length;
  context.tally.items_written += written.length;

  const all = [...stored.values()];
  const counted = new Set(all.map((run) => run.sync_id));
  const before = listing.stored.get(due.id) ?? null;
  const keep = {
    history_at: read.complete ? nowMs : (before?.sync_ledger?.history_at ?? null),
    gap_from: read.complete ? null : (before?.sync_ledger?.gap_from ?? null),
  };
  const recount = ledgerFromRuns(all, nowMs, keep);
  const nowIso = new Date(nowMs).toISOString();
  const saved = await context.writer.save(
    due.id,
    (current: Connection | null) => {
      if (current === null) return null;
      let { last_sync, last_completed_sync } = current;
      for (const run of written) {
        last_sync = mergeSyncRecord(last_sync, recordOf(run));
        last_completed_sync = mergeCompletedSync(last_completed_sync, recordOf(run));
      }
      const sync_ledger = reconcileLedger(recount, current.sync_ledger, counted, nowMs);
      return { ...current, last_sync, last_completed_sync, sync_ledger, updated_at: nowIso };
    },
    { value: before, version: listing.versions.get(due.id) ?? null },
  );
  remember(listing, due.id, saved);
  if (saved.written) {
    context.tally.connections_written++;
    context.tally.items_written++;
  }
  if (read.complete) findings.connections_backfilled++;
}

/** What the last sweep that looked found about the endpoint: since when it has been missing, if it is. */
async function unavailableSince(context: SweepContext): Promise<string | null> {
  const { items } = await context.repositories.sweeps.list({ limit: 5, cursor: null });
  const last = items.find((record) => record.id !== context.id && record.history !== null);
  return last?.history?.unavailable_since ?? null;
}

/**
 * Sync history for the connections that need it (`historyDue`), within the hourly request budget: this phase
 * runs before the schema phase and takes at most half of what the budget leaves (at least one request when
 * anything is left), so a first sweep of a large account reads both, most recently active connections first
 * (history reportedly ages out within hours). The endpoint not served (404/405, or an answer no run can be
 * read from) ends the phase quietly: runs come from webhooks only, said once in `note` by the sweep that
 * found it, and asked again after `HISTORY_RETRY_MS`. Then the account's 7-day figures are summed from every
 * connection's roll-up (no run is read).
 */
export async function sweepHistory(
  context: SweepContext,
  listing: ConnectionListing,
): Promise<{ readonly findings: HistoryFindings; readonly shortfall: string | null }> {
  const nowMs = context.now();
  const findings: HistoryFindings = {
    connections_due: 0,
    connections_backfilled: 0,
    requests: 0,
    runs_written: 0,
    note: null,
    unavailable_since: null,
  };
  const due: HistoryDue[] = [];
  const dueContext = { nowMs, webhookActive: context.tally.webhook_active };
  for (const id of listing.seen.keys()) {
    const connection = listing.stored.get(id);
    const entry = connection ? historyDue(connection, dueContext) : null;
    if (entry !== null) due.push(entry);
  }
  due.sort(compareHistoryDue);
  findings.connections_due = due.length;
  const cap = context.historyRequestBudget ?? Number.POSITIVE_INFINITY;
  const missingSince = cap > 0 && due.length > 0 ? await unavailableSince(context) : null;
  const missingMs = missingSince === null ? null : Date.parse(missingSince);
  if (missingMs !== null && nowMs - missingMs < HISTORY_RETRY_MS) {
    // Known missing: say nothing again, ask nothing until the retry is due.
    findings.unavailable_since = missingSince;
    await recordAccountSyncStats(context, listing.stored.values());
    return { findings, shortfall: null };
  }
  const budget = context.findings.optional;
  const left = budget === null ? Number.POSITIVE_INFINITY : remainingOptional(budget);
  const share: Share = { allowed: Math.min(cap, left === 0 ? 0 : Math.ceil(left / 2)), spent: 0 };
  let shortfall: string | null = null;
  if (share.allowed > 0) context.progress('history');
  const pool = new WorkPool(Math.min(CONNECTIONS_IN_FLIGHT, context.concurrency));
  try {
    for (const [index, entry] of due.entries()) {
      if (share.spent >= share.allowed) break;
      ensureTime(context, 'reading sync history');
      // The first read alone: an endpoint that is not served costs one request, not one per worker.
      if (index === 0) await backfill(context, listing, entry, share, findings);
      else await pool.add(() => backfill(context, listing, entry, share, findings));
    }
    await pool.drain();
  } catch (error) {
    await pool.settle();
    if (error instanceof CredentialRejectedError) throw error;
    if (error instanceof EndpointUnavailableError || error instanceof PermissionMissingError) {
      findings.unavailable_since = missingSince ?? new Date(nowMs).toISOString();
      if (missingSince === null) {
        findings.note = `sync history is not available (${error.message}); runs come from webhooks only`;
      }
    } else if (error instanceof FivetranError || error instanceof SweepTimeUp) {
      findings.note = `sync history: ${error.message}`;
      shortfall = findings.note;
    } else {
      throw error;
    }
  }
  const unread = due.length - findings.connections_backfilled;
  if (findings.note === null && findings.unavailable_since === null && unread > 0 && cap > 0) {
    findings.note = `sync history: ${unread} connection(s) left for the next sweeps (hourly request budget)`;
  }
  if (share.allowed > 0) context.progress('history');
  await recordAccountSyncStats(context, listing.stored.values());
  return { findings, shortfall };
}
