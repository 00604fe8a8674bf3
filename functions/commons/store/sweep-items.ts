import { ALL_SWEEPS, instantKey, SCHEMA_VERSION, SWEEP_LEASE_KEY, sweepKey } from './keys.ts';
import type { StoredItem } from './versioned-update.ts';

/**
 * Shapes the sweep (a later issue) writes, fixed here so the key design stays in one place.
 * A sweep record, as the contract names its fields.
 */
export interface SweepRecord {
  readonly id: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  /** `partial` = the connection listing completed but the schema budget or time ran out. */
  readonly outcome: 'running' | 'succeeded' | 'partial' | 'failed';
  readonly requests: { readonly total: number; readonly by_status: Readonly<Record<string, number>> };
  readonly connections_seen: number;
  readonly connections_written: number;
  readonly connections_deleted: number;
  readonly schema_fetches: number;
  readonly items_written: number;
  readonly webhook_active: boolean | null;
  readonly error: string | null;
}

export function sweepRecordItem(record: SweepRecord): StoredItem {
  return {
    ...record,
    ...sweepKey(record.id),
    kind: 'sweep',
    gsi1pk: ALL_SWEEPS,
    gsi1sk: `${instantKey(Date.parse(record.started_at))}#${record.id}`,
    schema_version: SCHEMA_VERSION,
  };
}

/**
 * The one-sweep-at-a-time lease: taken with a conditional write (absent, or expired by its own
 * `lease_expires_ms`, never by the TTL attribute, which is only garbage collection).
 */
export interface SweepLease {
  readonly sweep_id: string;
  readonly acquired_at: string;
  readonly lease_expires_at: string;
  readonly lease_expires_ms: number;
}

export function sweepLeaseItem(lease: SweepLease): StoredItem {
  return { ...lease, ...SWEEP_LEASE_KEY, kind: 'sweep_lease', schema_version: SCHEMA_VERSION };
}
