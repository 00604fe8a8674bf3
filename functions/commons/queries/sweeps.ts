import { ALL_SWEEPS } from '../store/keys.ts';
import { indexNamed, type Page, type PageRequest, queryPage } from '../store/query-page.ts';
import type { SweepRecord } from '../store/sweep-items.ts';
import { readActiveLease } from '../store/sweep-lease.ts';
import type { TableRef } from '../store/table-ref.ts';
import type { StoredItem } from '../store/versioned-update.ts';
import { ABANDONED_SWEEP_ERROR, isAbandonedSweep } from '../sweep/sweep-control.ts';

const OUTCOMES: readonly SweepRecord['outcome'][] = ['running', 'succeeded', 'partial', 'failed'];
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

function decodeRequests(value: unknown): SweepRecord['requests'] {
  const requests = (value ?? {}) as { total?: unknown; by_status?: unknown };
  const byStatus: Record<string, number> = {};
  if (requests.by_status !== null && typeof requests.by_status === 'object') {
    for (const [status, n] of Object.entries(requests.by_status)) byStatus[status] = count(n);
  }
  return { total: count(requests.total), by_status: byStatus };
}

/** A sweep record item as the contract names its fields (keys and bookkeeping dropped). */
export function decodeSweep(item: StoredItem): SweepRecord {
  const outcome = OUTCOMES.find((candidate) => candidate === item.outcome) ?? 'failed';
  return {
    id: String(item.id),
    started_at: String(item.started_at),
    finished_at: str(item.finished_at),
    outcome,
    requests: decodeRequests(item.requests),
    connections_seen: count(item.connections_seen),
    connections_written: count(item.connections_written),
    connections_deleted: count(item.connections_deleted),
    schema_fetches: count(item.schema_fetches),
    items_written: count(item.items_written),
    webhook_active: typeof item.webhook_active === 'boolean' ? item.webhook_active : null,
    error: str(item.error),
  };
}

/**
 * Sweep records, newest first. A `running` record whose sweep no longer holds the lease was abandoned (its
 * process died or timed out) and is shown `failed`, as the next sweep will record it. The lease is read
 * before the records, so a sweep that just finished is never mistaken for an abandoned one.
 */
export async function listSweeps(
  table: TableRef,
  page: PageRequest,
  now: () => number = Date.now,
): Promise<Page<SweepRecord>> {
  const lease = await readActiveLease(table, now());
  const records = await queryPage(table.client, table.tableName, {
    index: indexNamed('gsi1'),
    partition: ALL_SWEEPS,
    newestFirst: true,
    filter: null,
    scope: { listing: 'sweeps', filters: {} },
    page,
    decode: decodeSweep,
  });
  return {
    ...records,
    items: records.items.map((record) =>
      isAbandonedSweep(record, lease)
        ? { ...record, outcome: 'failed', error: record.error ?? ABANDONED_SWEEP_ERROR }
        : record,
    ),
  };
}

/** The newest sweep record (as `listSweeps` shows it), or null before the first sweep. */
export async function newestSweep(
  table: TableRef,
  now: () => number = Date.now,
): Promise<SweepRecord | null> {
  const { items } = await listSweeps(table, { limit: 1, cursor: null }, now);
  return items[0] ?? null;
}
