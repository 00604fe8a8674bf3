import type { LedgerRun, Outcome, SyncLedger, SyncLedgerDay } from '../../connection/sync-stats.ts';

/**
 * The 7-day roll-up as the connection item stores it: one string attribute of compact JSON arrays, not a
 * nested map. A week of hourly runs is 915 bytes this way by DynamoDB's count instead of 1,341 as a map (every
 * nested attribute name counts, and the connection item is copied into three indexes), and a listing or a
 * count that reads connections does not parse a few hundred nested attributes per item.
 *
 * `{"v":1,"d":[[day,runs,succeeded,failed,[bin,count,…]],…],"r":[[sync_id,end_ms,"s"|"f"|"o",bin|null],…],
 * "h":history_at,"g":gap_from}`
 */
const CODEC_VERSION = 1;
/** A stored roll-up larger than this is not read (it cannot be one this product wrote). */
const MAX_ENCODED_CHARS = 64 * 1024;

const OUTCOME_LETTER: Record<Outcome, string> = { succeeded: 's', failed: 'f', other: 'o' };
const LETTER_OUTCOME = new Map<unknown, Outcome>([
  ['s', 'succeeded'],
  ['f', 'failed'],
  ['o', 'other'],
]);

export function encodeLedger(ledger: SyncLedger | null): string | null {
  if (ledger === null) return null;
  return JSON.stringify({
    v: CODEC_VERSION,
    d: ledger.days.map((day) => [
      day.day,
      day.runs,
      day.succeeded,
      day.failed,
      Object.entries(day.durations).flatMap(([bin, count]) => [Number(bin), count]),
    ]),
    r: ledger.recent.map((run) => [run.sync_id, run.end_ms, OUTCOME_LETTER[run.outcome], run.bin]),
    h: ledger.history_at,
    g: ledger.gap_from,
  });
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function dayOf(entry: unknown): SyncLedgerDay | null {
  if (!Array.isArray(entry) || entry.length !== 5) return null;
  const [day, runs, succeeded, failed, bins] = entry as unknown[];
  if (![day, runs, succeeded, failed].every(isNumber) || !Array.isArray(bins) || bins.length % 2 !== 0) {
    return null;
  }
  const durations: Record<string, number> = {};
  for (let i = 0; i < bins.length; i += 2) {
    const [bin, count] = [bins[i], bins[i + 1]];
    if (!isNumber(bin) || !isNumber(count)) return null;
    durations[String(bin)] = count;
  }
  return {
    day: day as number,
    runs: runs as number,
    succeeded: succeeded as number,
    failed: failed as number,
    durations,
  };
}

function runOf(entry: unknown): LedgerRun | null {
  if (!Array.isArray(entry) || entry.length !== 4) return null;
  const [syncId, endMs, letter, bin] = entry as unknown[];
  const outcome = LETTER_OUTCOME.get(letter);
  if (typeof syncId !== 'string' || !isNumber(endMs) || outcome === undefined) return null;
  if (bin !== null && !isNumber(bin)) return null;
  return { sync_id: syncId, end_ms: endMs, outcome, bin };
}

const nullableNumber = (value: unknown): number | null | undefined =>
  value === null || value === undefined ? null : isNumber(value) ? value : undefined;

/**
 * The stored attribute back in the roll-up's shape, for the connection's field-by-field read: a string this
 * codec wrote becomes the roll-up; a map (the shape before this codec) is passed on as it is; anything
 * unreadable becomes null (the roll-up starts afresh and the next backfill recounts it), never an error.
 */
export function decodeLedgerAttribute(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  if (value.length > MAX_ENCODED_CHARS) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object') return null;
  const { v, d, r, h, g } = parsed as Record<string, unknown>;
  if (v !== CODEC_VERSION || !Array.isArray(d) || !Array.isArray(r)) return null;
  const days = d.map(dayOf);
  const recent = r.map(runOf);
  const [historyAt, gapFrom] = [nullableNumber(h), nullableNumber(g)];
  if (days.includes(null) || recent.includes(null) || historyAt === undefined || gapFrom === undefined) {
    return null;
  }
  return {
    days: days as SyncLedgerDay[],
    recent: recent as LedgerRun[],
    history_at: historyAt,
    gap_from: gapFrom,
  } satisfies SyncLedger;
}
