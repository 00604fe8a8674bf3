import { recordRun, type SimAccount, type SimConnection } from './account.ts';
import { syncId } from './event-payloads.ts';
import type { Random } from './prng.ts';

const MINUTE = 60_000;
/** How far back the seeded history goes, and how many runs at most: enough for a week's stats to show. */
const HISTORY_MS = 2 * 24 * 60 * MINUTE;
const MAX_SEEDED_RUNS = 24;

export const FAILURE_REASONS = [
  'java.lang.RuntimeException: Connection reset by peer',
  'Source API answered 503 Service Unavailable',
  'Timed out reading from the source after 300 s',
];

/**
 * The runs behind a connection's `succeeded_at`/`failed_at`, as the sync-history endpoint would list them:
 * the latest success and failure end exactly at those instants, earlier runs follow the schedule backwards
 * (troubled connections fail more often). Each connection has its own typical run, 20 s to 12 min like real
 * incremental syncs, and its runs vary around it (two thirds to one and a half times), so the slowest differ.
 */
export function seedHistory(
  account: SimAccount,
  connection: SimConnection,
  random: Random,
  nowMs: number,
): void {
  const anchors: { endMs: number; status: string }[] = [];
  const succeeded = connection.succeeded_at ? Date.parse(connection.succeeded_at) : null;
  const failed = connection.failed_at ? Date.parse(connection.failed_at) : null;
  if (succeeded !== null) anchors.push({ endMs: succeeded, status: 'SUCCESSFUL' });
  if (failed !== null) {
    const withTask = connection.status.tasks.length > 0;
    anchors.push({ endMs: failed, status: withTask ? 'FAILURE_WITH_TASK' : 'FAILURE' });
  }
  if (anchors.length === 0) return;
  const everyMs = connection.sync_frequency * MINUTE;
  const earliest = Math.min(...anchors.map((a) => a.endMs));
  const createdMs = Date.parse(connection.created_at);
  const ends = [...anchors];
  for (let t = earliest - everyMs; t > nowMs - HISTORY_MS && t > createdMs; t -= everyMs) {
    if (ends.length >= MAX_SEEDED_RUNS) break;
    const fails = random.chance(connection.sim.troubled ? 0.6 : 0.05);
    ends.push({ endMs: t, status: fails ? 'FAILURE' : 'SUCCESSFUL' });
  }
  ends.sort((a, b) => a.endMs - b.endMs);
  const typicalS = random.int(20, 720);
  for (const end of ends) {
    const durationMs = Math.round(typicalS * (0.67 + random.int(0, 83) / 100)) * 1_000;
    recordRun(account, connection.id, {
      sync_id: syncId(random),
      started_ms: Math.max(createdMs, end.endMs - durationMs),
      ended_ms: end.endMs,
      status: end.status,
      reason: end.status === 'SUCCESSFUL' ? null : random.pick(FAILURE_REASONS),
    });
  }
}
