import { computeHealth, type Health } from '../health.ts';

/** One fact about syncing: the newest from either source wins (see `sync-record.ts`). */
export interface SyncRecord {
  readonly sync_id: string | null;
  /** Fivetran's word (`SUCCESSFUL`, `FAILURE`, `FAILURE_WITH_TASK`, `RESCHEDULED`, others as sent) or `SYNCING`. */
  readonly status: string;
  readonly started_at: string | null;
  readonly ended_at: string | null;
  readonly reason: string | null;
  readonly source: 'webhook' | 'api';
}

export const SYNCING = 'SYNCING';

export interface ConnectionStatus {
  readonly setup_state: string | null;
  readonly sync_state: string | null;
  readonly update_state: string | null;
  readonly is_historical_sync: boolean | null;
  readonly rescheduled_for: string | null;
  readonly tasks: readonly unknown[];
  readonly warnings: readonly unknown[];
}

/**
 * The instant (epoch ms) of the newest fact behind each group of fields, so a late, older fact never rolls
 * back a newer one. `null` = the field still holds a default, and any fact may set it.
 */
export interface FactsAsOf {
  /** `group_id`, `service`, `schema`. */
  readonly identity: number | null;
  readonly paused: number | null;
  /** `deleted_at` (set by a deletion, cleared by a newer creation). */
  readonly deleted: number | null;
  /** `status`, `sync_frequency`, `schedule_type`, `succeeded_at`, `failed_at` (the sweep's snapshot). */
  readonly state: number | null;
}

/** The connection as the contract names it, plus `facts_as_of` (kept in the store, never in responses). */
export interface Connection {
  readonly id: string;
  readonly group_id: string | null;
  readonly service: string | null;
  readonly schema: string | null;
  readonly paused: boolean;
  readonly status: ConnectionStatus;
  readonly sync_frequency: number | null;
  readonly schedule_type: string | null;
  readonly succeeded_at: string | null;
  readonly failed_at: string | null;
  readonly created_at: string | null;
  readonly deleted_at: string | null;
  readonly last_sync: SyncRecord | null;
  readonly last_completed_sync: SyncRecord | null;
  readonly health: Health;
  readonly updated_at: string;
  readonly schema_version: number;
  readonly facts_as_of: FactsAsOf;
  /**
   * The non-sensitive part of Fivetran's `config` (see `connection-config.ts`), from the sweep; null until a
   * sweep read it. Kept in the store, not (yet) in the contract's view.
   */
  readonly config: ConnectionConfig | null;
}

/** Allow-listed `config` fields: scalars only, never secrets (see `connection-config.ts`). */
export type ConnectionConfig = Readonly<Record<string, string | number | boolean>>;

export const CONNECTION_SCHEMA_VERSION = 1;

export const EMPTY_STATUS: ConnectionStatus = {
  setup_state: null,
  sync_state: null,
  update_state: null,
  is_historical_sync: null,
  rescheduled_for: null,
  tasks: [],
  warnings: [],
};

/** A connection we know only by its id: every field at its default, no fact behind any of them. */
export function unknownConnection(id: string, nowIso: string): Connection {
  const base = {
    id,
    group_id: null,
    service: null,
    schema: null,
    paused: false,
    status: EMPTY_STATUS,
    sync_frequency: null,
    schedule_type: null,
    succeeded_at: null,
    failed_at: null,
    created_at: null,
    deleted_at: null,
    last_sync: null,
    last_completed_sync: null,
    updated_at: nowIso,
    schema_version: CONNECTION_SCHEMA_VERSION,
    facts_as_of: { identity: null, paused: null, deleted: null, state: null },
    config: null,
  };
  return { ...base, health: computeHealth(base) };
}

/** The contract's view of a connection: exactly its fields, in its order (internal attributes dropped). */
export function connectionView(connection: Connection): Record<string, unknown> {
  return {
    id: connection.id,
    group_id: connection.group_id,
    service: connection.service,
    schema: connection.schema,
    paused: connection.paused,
    status: connection.status,
    sync_frequency: connection.sync_frequency,
    schedule_type: connection.schedule_type,
    succeeded_at: connection.succeeded_at,
    failed_at: connection.failed_at,
    created_at: connection.created_at,
    deleted_at: connection.deleted_at,
    last_sync: connection.last_sync,
    last_completed_sync: connection.last_completed_sync,
    health: connection.health,
    updated_at: connection.updated_at,
    schema_version: connection.schema_version,
  };
}
