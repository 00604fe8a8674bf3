import type { SyncRecord } from '../connection/connection.ts';
import type { Health, HealthReason } from '../connection/health.ts';

/** A connection's health changed (or a connection was first seen: `previous` is null). */
export interface HealthChange {
  readonly connection_id: string;
  readonly group_id: string | null;
  readonly service: string | null;
  readonly schema: string | null;
  readonly previous: Health | null;
  readonly health: Health;
  /** Why the new verdict holds (null when healthy). */
  readonly health_reason: HealthReason | null;
  readonly last_sync: SyncRecord | null;
  readonly changed_at: string;
}

/**
 * The port health changes leave through. The store calls it once per real change, after the write that made
 * it succeeded; a failing notifier is logged, never fails the write (the event is already kept).
 */
export interface HealthNotifier {
  onHealthChange(change: HealthChange): void | Promise<void>;
}

export const noopHealthNotifier: HealthNotifier = { onHealthChange: () => {} };

export function loggingHealthNotifier(log: (message: string, change: HealthChange) => void): HealthNotifier {
  return { onHealthChange: (change) => log('connection health changed', change) };
}
