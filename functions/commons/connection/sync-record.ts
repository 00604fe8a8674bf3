import { toInstantMs } from '../lib/instant.ts';
import { SYNCING, type SyncRecord } from './connection.ts';

/**
 * Newest fact wins, by Fivetran's own timestamps compared as instants (never as strings). A record's
 * instant is its end, or its start while it is still syncing; an undated record is older than any dated one.
 * Ties are broken by a fixed order so every delivery order converges on the same answer: the webhook's
 * richer record beats the API's, a final status beats SYNCING, then status and sync id decide.
 */
export function recordInstant(record: SyncRecord): number {
  return toInstantMs(record.ended_at ?? record.started_at) ?? Number.NEGATIVE_INFINITY;
}

export function isFinal(record: SyncRecord): boolean {
  return record.status !== SYNCING;
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Total order on records: > 0 when `a` is the newer fact. */
export function compareRecords(a: SyncRecord, b: SyncRecord): number {
  const byInstant = recordInstant(a) - recordInstant(b);
  if (byInstant !== 0 && !Number.isNaN(byInstant)) return byInstant;
  const bySource = Number(a.source === 'webhook') - Number(b.source === 'webhook');
  if (bySource !== 0) return bySource;
  const byFinal = Number(isFinal(a)) - Number(isFinal(b));
  if (byFinal !== 0) return byFinal;
  return compareText(a.status, b.status) || compareText(a.sync_id ?? '', b.sync_id ?? '');
}

function earliest(a: string | null, b: string | null): string | null {
  const ma = toInstantMs(a);
  const mb = toInstantMs(b);
  if (ma === null) return mb === null ? a : b;
  if (mb === null) return a;
  return mb < ma ? b : a;
}

/**
 * The newer of two facts. Two facts about one sync are two snapshots of its run: a final one beats SYNCING,
 * the newer end wins (as in the run), and the earliest known start is kept (a late `sync_start`).
 */
export function mergeSyncRecord(current: SyncRecord | null, candidate: SyncRecord): SyncRecord {
  if (current === null) return candidate;
  if (
    current.sync_id !== null &&
    current.sync_id === candidate.sync_id &&
    current.source === candidate.source
  ) {
    const byFinal = Number(isFinal(candidate)) - Number(isFinal(current));
    const winner =
      byFinal !== 0
        ? byFinal > 0
          ? candidate
          : current
        : compareRecords(candidate, current) > 0
          ? candidate
          : current;
    const startedAt = earliest(
      winner.started_at,
      winner === candidate ? current.started_at : candidate.started_at,
    );
    return startedAt === winner.started_at ? winner : { ...winner, started_at: startedAt };
  }
  return compareRecords(candidate, current) > 0 ? candidate : current;
}

/**
 * `last_completed_sync` only ever takes final records; a `sync_start` of the very sync it holds lends it the
 * start (whatever order the two came in), so the completed record knows its run without reading the run.
 */
export function mergeCompletedSync(current: SyncRecord | null, candidate: SyncRecord): SyncRecord | null {
  if (isFinal(candidate)) return mergeSyncRecord(current, candidate);
  if (current === null || current.sync_id === null || current.sync_id !== candidate.sync_id) return current;
  if (current.source !== candidate.source) return current;
  const startedAt = earliest(current.started_at, candidate.started_at);
  return startedAt === current.started_at ? current : { ...current, started_at: startedAt };
}

/**
 * The REST API's view of the last completed sync: the later of `succeeded_at`/`failed_at` (a failure on a
 * tie), `ended_at` that time, no sync id or start. `null` when the connection never synced.
 */
export function syncRecordFromApi(succeededAt: string | null, failedAt: string | null): SyncRecord | null {
  const succeeded = toInstantMs(succeededAt);
  const failed = toInstantMs(failedAt);
  if (succeeded === null && failed === null) return null;
  const failedIsLater = failed !== null && (succeeded === null || failed >= succeeded);
  return {
    sync_id: null,
    status: failedIsLater ? 'FAILURE' : 'SUCCESSFUL',
    started_at: null,
    ended_at: failedIsLater ? failedAt : succeededAt,
    reason: null,
    source: 'api',
  };
}
