import type { SweepLease } from './sweep-lease.ts';

/**
 * A `running` record whose sweep no longer holds the lease was abandoned (its process died or timed out):
 * readers show it as `failed`, as the next sweep that takes the lease will record it. Read the lease BEFORE
 * the records: a sweep writes its final record before it releases the lease, so that order never shows a
 * sweep that just finished as abandoned.
 */
export function isAbandonedSweep(
  record: { readonly id: string; readonly outcome: string },
  activeLease: SweepLease | null,
): boolean {
  return record.outcome === 'running' && activeLease?.sweep_id !== record.id;
}

export const ABANDONED_SWEEP_ERROR = 'the sweep stopped before finishing (its lease expired)';
