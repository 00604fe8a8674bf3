import { canonicalJson } from '../lib/canonical-json.ts';
import type { Connection, SyncRecord } from './connection.ts';
import { assessFreshness, promisedGapMs } from './freshness.ts';
import { foldRun } from './sync-stats.ts';

const sameRecord = (a: SyncRecord | null, b: SyncRecord | null) => canonicalJson(a) === canonicalJson(b);

/**
 * What every connection write adds beside health (`withHealth` calls it first): a newly completed sync folded
 * into the 7-day roll-up (`sync_ledger`), and the freshness recomputed at `nowIso`. Idempotent: folding
 * the same completed sync again changes nothing, so a retried write or a redelivered event counts a run once.
 */
export function withFreshnessAndLedger(
  connection: Connection,
  previous: Connection | null,
  nowIso: string,
): Connection {
  const nowMs = Date.parse(nowIso);
  let ledger = connection.sync_ledger;
  const completed = connection.last_completed_sync;
  if (
    completed !== null &&
    completed.source !== 'api' &&
    !sameRecord(completed, previous?.last_completed_sync ?? null)
  ) {
    ledger = foldRun(ledger, completed, nowMs, {
      gapAfterMs: completed.source === 'webhook' ? promisedGapMs(connection) : null,
    });
  }
  const next = ledger === connection.sync_ledger ? connection : { ...connection, sync_ledger: ledger };
  return { ...next, freshness: assessFreshness(next, previous?.freshness ?? null, nowMs) };
}
