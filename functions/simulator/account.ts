import type { SchemaConfig } from '#commons/fivetran/schemas';

/**
 * The simulated account as the simulator keeps it: every field filled, as Fivetran holds it. How the API
 * presents it (which optional fields an answer omits, which case an enum arrives in) is `views.ts`' job.
 */

/** A task or warning; `code` null is served without a `code` (legal: the spec requires no property). */
export interface SimNotice {
  code: string | null;
  message: string;
}

export interface SimStatus {
  setup_state: string;
  sync_state: string;
  update_state: string;
  is_historical_sync: boolean;
  rescheduled_for: string | null;
  schema_status: string;
  tasks: SimNotice[];
  warnings: SimNotice[];
}

/**
 * How the API shows a connection: `full` (every documented field), `required_only` (only what the OpenAPI
 * file requires, as a minimal answer may be), `legacy` (an older answer: no `status`, `paused` or `config`).
 */
export type ConnectionShape = 'full' | 'required_only' | 'legacy';

export interface SimConnection {
  readonly id: string;
  group_id: string;
  service: string;
  service_version: number;
  schema: string;
  connected_by: string;
  created_at: string;
  succeeded_at: string | null;
  failed_at: string | null;
  paused: boolean;
  pause_after_trial: boolean;
  sync_frequency: number;
  daily_sync_time: string | null;
  schedule_type: string;
  data_delay_sensitivity: string;
  data_delay_threshold: number;
  networking_method: string;
  destination_schema_names: string;
  status: SimStatus;
  setup_tests: { title: string; status: string; message: string }[];
  config: Record<string, unknown>;
  /** Simulator-only facts, never served. */
  sim: {
    shape: ConnectionShape;
    /** What `/schemas` answers while there is no schema config: Fivetran's specific code or its generic one. */
    missingSchemaCode: 'NotFound_SchemaConfig' | 'NotFound';
    /** Timer mode leaves this connection alone, so it goes late (Fivetran still says `on_schedule`). */
    idle: boolean;
    /** Timer mode fails this connection's syncs mostly (a broken or troubled connector). */
    troubled: boolean;
  };
}

export interface SimGroup {
  readonly id: string;
  name: string;
  readonly created_at: string;
}

export interface SimDestination {
  readonly id: string;
  readonly group_id: string;
  service: string;
  region: string;
  time_zone_offset: string;
  /** As served: Fivetran's examples say `connected`, its OpenAPI enum `CONNECTED`. */
  setup_status: string;
  daylight_saving_time_enabled: boolean;
  networking_method: string;
  setup_tests: { title: string; status: string; message: string }[];
  config: Record<string, unknown>;
}

/** One sync as the sync-history endpoint serves it. */
export interface SimRun {
  readonly sync_id: string;
  readonly started_ms: number;
  /** Null while running. */
  ended_ms: number | null;
  /** Fivetran's `sync_end` word; null while running. */
  status: string | null;
  reason: string | null;
}

export interface SimTransformation {
  readonly id: string;
  readonly group_id: string;
  readonly type: 'DBT_CORE' | 'QUICKSTART';
  status: string;
  paused: boolean;
  readonly created_at: string;
  readonly created_by_id: string;
  last_started_at: string | null;
  last_ended_at: string | null;
  readonly output_model_names: string[];
  readonly schedule: {
    schedule_type: string;
    connection_ids: string[];
    interval: number | null;
    time_of_day: string | null;
    smart_syncing: boolean;
  };
  readonly transformation_config: Record<string, unknown>;
}

/** A registered webhook as the simulator keeps it: unlike the API view, the secret is kept in the clear. */
export interface SimWebhook {
  readonly id: string;
  readonly type: 'account' | 'group';
  readonly group_id: string | null;
  url: string;
  events: string[];
  active: boolean;
  /** Plain signing secret, or null (deliveries then go unsigned). Never returned by the API. */
  secret: string | null;
  readonly created_at: string;
  readonly created_by: string;
}

/** The whole simulated account. Tests and demo mode may read and change it directly. */
export interface SimAccount {
  readonly accountId: string;
  accountName: string;
  /** How `GET /v1/account/info` presents the key: a user's scoped key or a system key. */
  keyKind: 'user' | 'system';
  /** The key's user (or system key) id; also `connected_by` / `created_by` of what the simulator creates. */
  readonly ownerId: string;
  readonly groups: Map<string, SimGroup>;
  /** Keyed by group id (a destination shares its group's id); a group may have none. */
  readonly destinations: Map<string, SimDestination>;
  readonly connections: Map<string, SimConnection>;
  /** Schema config by connection id; absent means "no schema yet" (a 404, see `SimConnection.sim`). */
  readonly schemas: Map<string, SchemaConfig>;
  /** Sync runs by connection id, oldest first, bounded (see `MAX_RUNS_PER_CONNECTION`). */
  readonly runs: Map<string, SimRun[]>;
  readonly transformations: Map<string, SimTransformation>;
  readonly webhooks: Map<string, SimWebhook>;
}

/** Runs kept per connection: Fivetran's own history is short (7-day window, entries age out). */
export const MAX_RUNS_PER_CONNECTION = 200;

export function recordRun(account: SimAccount, connectionId: string, run: SimRun): void {
  const runs = account.runs.get(connectionId) ?? [];
  runs.push(run);
  if (runs.length > MAX_RUNS_PER_CONNECTION) runs.splice(0, runs.length - MAX_RUNS_PER_CONNECTION);
  account.runs.set(connectionId, runs);
}
