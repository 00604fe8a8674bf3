import type { Connection } from '../connection/connection.ts';
import { rate, syncStatsOf } from '../connection/sync-stats.ts';
import { canonicalJson } from '../lib/canonical-json.ts';
import {
  type AccountSyncStats,
  SLOWEST_CONNECTIONS,
  type SlowConnection,
} from '../store/repositories/account-sync-stats.ts';
import type { SweepContext } from './sweep-context.ts';

/** The account's 7-day figures from each live connection's roll-up (no run is read). */
export function sumAccountSyncStats(connections: Iterable<Connection>, nowMs: number): AccountSyncStats {
  let runs = 0;
  let succeeded = 0;
  let failed = 0;
  let withRuns = 0;
  let since = syncStatsOf(null, nowMs).since;
  const timed: SlowConnection[] = [];
  for (const connection of connections) {
    if (connection.deleted_at !== null || connection.sync_ledger === null) continue;
    const stats = syncStatsOf(connection.sync_ledger, nowMs);
    since = stats.since;
    if (stats.runs === 0) continue;
    withRuns++;
    runs += stats.runs;
    succeeded += stats.succeeded;
    failed += stats.failed;
    if (stats.duration_p95_s !== null) {
      timed.push({
        connection_id: connection.id,
        schema: connection.schema,
        service: connection.service,
        runs: stats.runs,
        duration_p50_s: stats.duration_p50_s,
        duration_p95_s: stats.duration_p95_s,
      });
    }
  }
  const slowest = timed
    .sort(
      (a, b) =>
        (b.duration_p95_s ?? 0) - (a.duration_p95_s ?? 0) ||
        (b.duration_p50_s ?? 0) - (a.duration_p50_s ?? 0) ||
        (a.connection_id < b.connection_id ? -1 : 1),
    )
    .slice(0, SLOWEST_CONNECTIONS);
  return {
    runs,
    succeeded,
    failed,
    success_rate: rate(succeeded, failed),
    connections_with_runs: withRuns,
    slowest,
    since,
    as_of: new Date(nowMs).toISOString(),
  };
}

const withoutTime = (stats: AccountSyncStats | null) => stats && canonicalJson({ ...stats, as_of: null });

/** Sums the figures and writes them when they changed (an unchanged account costs one read). */
export async function recordAccountSyncStats(
  context: SweepContext,
  connections: Iterable<Connection>,
): Promise<void> {
  const next = sumAccountSyncStats(connections, context.now());
  const stored = await context.repositories.accountSyncStats.get();
  if (withoutTime(stored) === withoutTime(next) || (stored === null && next.runs === 0)) return;
  await context.repositories.accountSyncStats.put(next);
  context.tally.items_written++;
}
