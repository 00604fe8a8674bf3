// zod/mini with named imports: the connection item carries the roll-up, and it is on the webhook path.
import {
  array,
  enum as enumOf,
  type infer as Infer,
  nullable,
  number,
  record,
  strictObject,
  string,
} from 'zod/mini';
import { toInstantMs } from '../lib/instant.ts';

/**
 * A connection's sync runs of the last 7 days, rolled up on the connection item as they are learnt (from a
 * webhook's `sync_end`, or from the sync-history backfill), so the detail and the sweep's account summary never
 * read runs: per UTC day the counts and a duration histogram, plus the newest few runs (what makes folding
 * idempotent: a run folded twice, or ended twice, replaces its own contribution).
 *
 * - "The last 7 days" is today and the six UTC days before it: `since` says from when.
 * - Durations are kept in quarter-octave bins (a bin's value is within ~9 % of every duration in it), which
 *   keeps the item small whatever the sync frequency; the percentiles are those bins' values.
 * - Bounded: at most 8 days (pruned whenever a run is folded; readers skip older days themselves), each with
 *   at most as many bins as distinct durations (in practice a handful), and `RECENT_RUNS` runs.
 */
export const STATS_WINDOW_DAYS = 7;
export const DAY_MS = 86_400_000;
/** Runs remembered one by one; a run ended again (failure, then retry) within these replaces itself. */
export const RECENT_RUNS = 8;
const BINS_PER_OCTAVE = 4;
/** Durations are clamped to 0.1 s … 2^20 s (12 days) before binning. */
const MIN_DURATION_S = 0.1;
const MAX_DURATION_S = 2 ** 20;

export const OUTCOMES = ['succeeded', 'failed', 'other'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const count = number();
export const syncLedgerDaySchema = strictObject({
  /** Days since the epoch (UTC). */
  day: number(),
  runs: count,
  succeeded: count,
  failed: count,
  /** Duration bin (quarter-octaves of a second, as a string key) → runs in it. */
  durations: record(string(), count),
});
export type SyncLedgerDay = Infer<typeof syncLedgerDaySchema>;

export const ledgerRunSchema = strictObject({
  sync_id: string(),
  end_ms: number(),
  outcome: enumOf(OUTCOMES),
  bin: nullable(number()),
});
export type LedgerRun = Infer<typeof ledgerRunSchema>;

export const syncLedgerSchema = strictObject({
  days: array(syncLedgerDaySchema),
  /** The newest `RECENT_RUNS` runs folded, newest end first. */
  recent: array(ledgerRunSchema),
  /** When the sweep last read this connection's sync history (epoch ms); null: never. */
  history_at: nullable(number()),
  /** Two webhook-known runs further apart than the schedule promises: history is read from here. */
  gap_from: nullable(number()),
});
export type SyncLedger = Infer<typeof syncLedgerSchema>;

export const EMPTY_LEDGER: SyncLedger = { days: [], recent: [], history_at: null, gap_from: null };

/** A run's final word, as the stats count it: `SUCCESSFUL` succeeded; `FAILURE*`/`FAILED` failed; others run. */
export function outcomeOf(status: string): Outcome {
  const word = status.toUpperCase();
  if (word === 'SUCCESSFUL') return 'succeeded';
  if (word.startsWith('FAIL')) return 'failed';
  return 'other';
}

export function durationBin(seconds: number): number {
  const clamped = Math.min(MAX_DURATION_S, Math.max(MIN_DURATION_S, seconds));
  return Math.round(BINS_PER_OCTAVE * Math.log2(clamped));
}

/** The duration a bin stands for, rounded for people (a tenth below 10 s, whole seconds above). */
export function binSeconds(bin: number): number {
  const seconds = 2 ** (bin / BINS_PER_OCTAVE);
  return seconds < 10 ? Math.round(seconds * 10) / 10 : Math.round(seconds);
}

const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
/** The first day inside the window at `nowMs`. */
export const windowStartDay = (nowMs: number) => dayOf(nowMs) - (STATS_WINDOW_DAYS - 1);

/** A finished run, as folding needs it (a connection's `last_completed_sync`, or a run from history). */
export interface FinishedRun {
  readonly sync_id: string | null;
  readonly status: string;
  readonly started_at: string | null;
  readonly ended_at: string | null;
}

function contribution(run: FinishedRun): LedgerRun | null {
  const end = toInstantMs(run.ended_at);
  if (run.sync_id === null || end === null || run.status === 'SYNCING') return null;
  const start = toInstantMs(run.started_at);
  return {
    sync_id: run.sync_id,
    end_ms: end,
    outcome: outcomeOf(run.status),
    bin: start !== null && end >= start ? durationBin((end - start) / 1000) : null,
  };
}

const sameRun = (a: LedgerRun, b: LedgerRun) =>
  a.end_ms === b.end_ms && a.outcome === b.outcome && a.bin === b.bin;

function addTo(days: SyncLedgerDay[], run: LedgerRun, sign: 1 | -1): SyncLedgerDay[] {
  const day = dayOf(run.end_ms);
  const found = days.find((d) => d.day === day);
  const base: SyncLedgerDay = found ?? { day, runs: 0, succeeded: 0, failed: 0, durations: {} };
  const durations = { ...base.durations };
  if (run.bin !== null) {
    const key = String(run.bin);
    const next = (durations[key] ?? 0) + sign;
    if (next > 0) durations[key] = next;
    else delete durations[key];
  }
  const updated: SyncLedgerDay = {
    day,
    runs: Math.max(0, base.runs + sign),
    succeeded: Math.max(0, base.succeeded + (run.outcome === 'succeeded' ? sign : 0)),
    failed: Math.max(0, base.failed + (run.outcome === 'failed' ? sign : 0)),
    durations,
  };
  const rest = days.filter((d) => d.day !== day);
  return updated.runs === 0 ? rest : [...rest, updated].sort((a, b) => a.day - b.day);
}

export interface FoldOptions {
  /**
   * For runs a webhook told us about: two consecutive runs further apart than this (ms) mark a webhook gap,
   * which the next sweep fills from the sync-history endpoint. Null: no gap detection (history runs, manual
   * schedules).
   */
  readonly gapAfterMs?: number | null;
}

/**
 * The ledger with one finished run folded in: counted once per `sync_id` (a second fold of the same run is a
 * no-op; a different end of it replaces the earlier one while it is among the newest runs); runs that ended
 * before the window are ignored. Days that left the window are dropped here, so the item stays bounded.
 */
export function foldRun(
  ledger: SyncLedger | null,
  run: FinishedRun,
  nowMs: number,
  options: FoldOptions = {},
): SyncLedger | null {
  const entry = contribution(run);
  return entry === null ? ledger : foldEntry(ledger, entry, nowMs, options);
}

/** `foldRun` for a run already reduced to its contribution. */
export function foldEntry(
  ledger: SyncLedger | null,
  entry: LedgerRun,
  nowMs: number,
  options: FoldOptions = {},
): SyncLedger | null {
  if (dayOf(entry.end_ms) < windowStartDay(nowMs)) return ledger;
  const current = ledger ?? EMPTY_LEDGER;
  const known = current.recent.find((r) => r.sync_id === entry.sync_id);
  if (known && sameRun(known, entry)) return ledger;
  let days = known ? addTo(current.days, known, -1) : current.days;
  days = addTo(days, entry, 1).filter((d) => d.day >= windowStartDay(nowMs));
  const newestBefore = current.recent[0]?.end_ms ?? null;
  const recent = [entry, ...current.recent.filter((r) => r.sync_id !== entry.sync_id)]
    .sort((a, b) => b.end_ms - a.end_ms || (a.sync_id < b.sync_id ? -1 : 1))
    .slice(0, RECENT_RUNS);
  let gapFrom = current.gap_from;
  const gapAfter = options.gapAfterMs ?? null;
  if (gapAfter !== null && !known && newestBefore !== null && entry.end_ms - newestBefore > gapAfter) {
    gapFrom = gapFrom === null ? newestBefore : Math.min(gapFrom, newestBefore);
  }
  return { ...current, days, recent, gap_from: gapFrom };
}

/**
 * The ledger counted afresh from a set of runs (each `sync_id` once): what a backfill writes after reading a
 * connection's runs of the window, so whatever the folding on the way missed (an end that arrived after a
 * newer one) is counted again. `keep` keeps the bookkeeping fields of the ledger it replaces.
 */
export function ledgerFromRuns(
  runs: readonly FinishedRun[],
  nowMs: number,
  keep: Pick<SyncLedger, 'history_at' | 'gap_from'>,
): SyncLedger {
  const entries = new Map<string, LedgerRun>();
  for (const run of runs) {
    const entry = contribution(run);
    if (entry !== null) entries.set(entry.sync_id, entry);
  }
  let ledger: SyncLedger | null = { ...EMPTY_LEDGER, ...keep };
  for (const entry of [...entries.values()].sort((a, b) => a.end_ms - b.end_ms)) {
    ledger = foldEntry(ledger, entry, nowMs);
  }
  return { ...(ledger ?? EMPTY_LEDGER), ...keep };
}

/** The 7-day figures the detail shows (and, summed over the account, the summary). */
export const syncStatsSchema = strictObject({
  runs: count,
  succeeded: count,
  failed: count,
  /** succeeded / (succeeded + failed); null when neither happened. */
  success_rate: nullable(number()),
  duration_p50_s: nullable(number()),
  duration_p95_s: nullable(number()),
  /** The start of the window (00:00 UTC six days before today). */
  since: string(),
});
export type SyncStats = Infer<typeof syncStatsSchema>;

/** Nearest-rank percentile over a histogram of bins. */
function percentile(histogram: ReadonlyMap<number, number>, total: number, p: number): number | null {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const bin of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bin) ?? 0;
    if (seen >= rank) return binSeconds(bin);
  }
  return null;
}

export const rate = (succeeded: number, failed: number): number | null =>
  succeeded + failed === 0 ? null : Math.round((succeeded / (succeeded + failed)) * 10_000) / 10_000;

/** The figures over the days still inside the window at `nowMs` (never more than 7 days, whatever is stored). */
export function syncStatsOf(ledger: SyncLedger | null, nowMs: number): SyncStats {
  const from = windowStartDay(nowMs);
  const days = (ledger?.days ?? []).filter((d) => d.day >= from && d.day <= dayOf(nowMs));
  const histogram = new Map<number, number>();
  let timed = 0;
  for (const day of days) {
    for (const [key, n] of Object.entries(day.durations)) {
      const bin = Number(key);
      if (!Number.isFinite(bin) || !(n > 0)) continue;
      histogram.set(bin, (histogram.get(bin) ?? 0) + n);
      timed += n;
    }
  }
  const succeeded = days.reduce((sum, d) => sum + d.succeeded, 0);
  const failed = days.reduce((sum, d) => sum + d.failed, 0);
  return {
    runs: days.reduce((sum, d) => sum + d.runs, 0),
    succeeded,
    failed,
    success_rate: rate(succeeded, failed),
    duration_p50_s: percentile(histogram, timed, 0.5),
    duration_p95_s: percentile(histogram, timed, 0.95),
    since: new Date(from * DAY_MS).toISOString(),
  };
}

/** The newest run end the ledger knows (ms), or null. */
export function newestRunEnd(ledger: SyncLedger | null): number | null {
  return ledger?.recent[0]?.end_ms ?? null;
}

/**
 * A backfill's recount, reconciled with the stored roll-up: runs the stored one knows that the recount did
 * not see (a webhook's, folded meanwhile) are folded in, and a day the stored roll-up counted higher keeps its
 * own figures (its runs may have expired from the table sooner than the 7 days: EVENT_RETENTION_DAYS).
 */
export function reconcileLedger(
  recount: SyncLedger,
  stored: SyncLedger | null,
  countedIds: ReadonlySet<string>,
  nowMs: number,
): SyncLedger {
  let ledger: SyncLedger = recount;
  for (const entry of stored?.recent ?? []) {
    if (!countedIds.has(entry.sync_id)) ledger = foldEntry(ledger, entry, nowMs) ?? ledger;
  }
  const from = windowStartDay(nowMs);
  const byDay = new Map(ledger.days.map((d) => [d.day, d]));
  for (const day of stored?.days ?? []) {
    if (day.day < from) continue;
    const counted = byDay.get(day.day);
    if (counted === undefined || counted.runs < day.runs) byDay.set(day.day, day);
  }
  return { ...ledger, days: [...byDay.values()].sort((a, b) => a.day - b.day) };
}
