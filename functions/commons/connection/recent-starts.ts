import { toInstantMs } from '../lib/instant.ts';
import type { Connection, SyncRecord } from './connection.ts';

/** Syncs of one connection run one after another: the newest few starts cover any realistic reordering. */
export const RECENT_STARTS = 5;

type Starts = Connection['recent_starts'];

const startMs = (start: Starts[number]) => toInstantMs(start.started_at) ?? Number.NEGATIVE_INFINITY;

/**
 * Keeps the newest `RECENT_STARTS` starts by instant (the earliest start per sync): a function of the set of
 * starts seen, so any delivery order keeps the same ones.
 */
export function rememberStart(starts: Starts, record: SyncRecord): Starts {
  if (record.sync_id === null || record.started_at === null) return starts;
  const known = starts.find((start) => start.sync_id === record.sync_id);
  if (known && startMs(known) <= (toInstantMs(record.started_at) ?? Number.POSITIVE_INFINITY)) return starts;
  const merged = [
    ...starts.filter((start) => start.sync_id !== record.sync_id),
    { sync_id: record.sync_id, started_at: record.started_at },
  ];
  return merged
    .sort((a, b) => startMs(b) - startMs(a) || (a.sync_id < b.sync_id ? -1 : a.sync_id > b.sync_id ? 1 : 0))
    .slice(0, RECENT_STARTS);
}

/** A record of one of those syncs, with the earliest start known for it. */
export function withKnownStart<T extends SyncRecord | null>(record: T, starts: Starts): T {
  if (record === null || record.sync_id === null || record.source !== 'webhook') return record;
  const start = starts.find((candidate) => candidate.sync_id === record.sync_id);
  if (!start) return record;
  const known = toInstantMs(record.started_at);
  if (known !== null && known <= startMs(start)) return record;
  return { ...record, started_at: start.started_at };
}
