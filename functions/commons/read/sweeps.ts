import { ABANDONED_SWEEP_ERROR, isAbandonedSweep } from '../store/repositories/abandoned-sweep.ts';
import type { SweepRecord } from '../store/repositories/sweeps.ts';
import type { Repositories } from '../store/repositories.ts';
import type { Page, PageRequest } from '../store/table/query-page.ts';

/** Sweep records newest first, abandoned ones shown `failed`. */
export async function listSweeps(
  repos: Pick<Repositories, 'sweeps' | 'sweepLease'>,
  page: PageRequest,
  now: () => number = Date.now,
): Promise<Page<SweepRecord>> {
  const lease = await repos.sweepLease.readActive(now());
  const records = await repos.sweeps.list(page);
  return {
    ...records,
    items: records.items.map((record) =>
      isAbandonedSweep(record, lease)
        ? {
            ...record,
            outcome: 'failed',
            error: record.error ?? ABANDONED_SWEEP_ERROR,
            error_code: record.error_code ?? 'abandoned',
          }
        : record,
    ),
  };
}

/** The newest sweep record (as `listSweeps` shows it), or null before the first sweep. */
export async function newestSweep(
  repos: Pick<Repositories, 'sweeps' | 'sweepLease'>,
  now: () => number = Date.now,
): Promise<SweepRecord | null> {
  const { items } = await listSweeps(repos, { limit: 1, cursor: null }, now);
  return items[0] ?? null;
}
