// zod/mini with named imports: this module is on the webhook Lambda's path, whose bundle stays small.
import {
  array,
  boolean,
  enum as enumOf,
  type infer as Infer,
  nullable,
  number,
  object,
  record,
  strictObject,
  string,
  union,
} from 'zod/mini';
import { SCHEMA_VERSION } from '../lib/schema-version.ts';
import { boundedNoticesShape, NO_NOTICES } from './bounded-notices.ts';
import { openConnectionFailure } from './connection-failure.ts';
import { withFreshnessAndLedger } from './freshness-ledger.ts';
import { assessHealth, HEALTH_VALUES, healthReasonSchema } from './health.ts';
import { syncLedgerSchema } from './sync-stats.ts';

/**
 * The connection, defined once: `connectionViewShape` is the contract's field list (ARCHITECTURE.md, "The
 * connection item"), from which come the API's response schema (strict: a field it does not list fails),
 * the stored item's schema (the view plus bookkeeping) and the TypeScript types.
 */

export const SYNCING = 'SYNCING';
export const SYNC_SOURCES = ['webhook', 'history', 'api'] as const;

const text = nullable(string());

/** One fact about syncing: the newest from either source wins (see `sync-record.ts`). */
export const syncRecordSchema = strictObject({
  sync_id: text,
  /** Fivetran's word (`SUCCESSFUL`, `FAILURE`, `FAILURE_WITH_TASK`, `RESCHEDULED`, others as sent) or `SYNCING`. */
  status: string(),
  started_at: text,
  ended_at: text,
  reason: text,
  source: enumOf(SYNC_SOURCES),
});
export type SyncRecord = Infer<typeof syncRecordSchema>;

export const connectionStatusSchema = strictObject({
  setup_state: text,
  sync_state: text,
  update_state: text,
  is_historical_sync: nullable(boolean()),
  rescheduled_for: text,
  schema_status: text,
  ...boundedNoticesShape,
});
export type ConnectionStatus = Infer<typeof connectionStatusSchema>;

/** One of Fivetran's setup tests: why a connection is broken or incomplete. */
export const setupTestSchema = strictObject({ title: text, status: text, message: text });
export type SetupTest = Infer<typeof setupTestSchema>;

/**
 * What the schedule and Fivetran's delay settings promise, against the last success we know; null fields where
 * nothing is promised (a manual schedule).
 */
export const freshnessSchema = strictObject({
  last_success_at: text,
  expected_every_minutes: nullable(number()),
  late_after: text,
  late_by_minutes: nullable(number()),
});
export type Freshness = Infer<typeof freshnessSchema>;

export const connectionViewShape = {
  id: string(),
  group_id: text,
  service: text,
  schema: text,
  paused: boolean(),
  status: connectionStatusSchema,
  sync_frequency: nullable(number()),
  schedule_type: text,
  daily_sync_time: text,
  data_delay_sensitivity: text,
  data_delay_threshold: nullable(number()),
  connected_by: text,
  service_version: nullable(number()),
  setup_tests: array(setupTestSchema),
  pause_after_trial: nullable(boolean()),
  succeeded_at: text,
  failed_at: text,
  created_at: text,
  deleted_at: text,
  last_sync: nullable(syncRecordSchema),
  last_completed_sync: nullable(syncRecordSchema),
  health: enumOf(HEALTH_VALUES),
  health_reason: nullable(healthReasonSchema),
  freshness: nullable(freshnessSchema),
  updated_at: string(),
  schema_version: number(),
};

/** The contract's view of a connection, as `GET /api/connections` answers it. */
export const connectionViewSchema = strictObject(connectionViewShape);
export type ConnectionView = Infer<typeof connectionViewSchema>;

/**
 * The instant (epoch ms) of the newest fact behind each group of fields, so a late, older fact never rolls
 * back a newer one. `null` = the field still holds a default, and any fact may set it.
 * - `identity`: `group_id`, `service`, `schema`;
 * - `deleted`: `deleted_at` (set by a deletion, cleared by a newer creation);
 * - `state`: `status`, `sync_frequency`, `schedule_type`, `succeeded_at`, `failed_at` (the sweep's snapshot).
 */
export const factsAsOfSchema = strictObject({
  identity: nullable(number()),
  paused: nullable(number()),
  deleted: nullable(number()),
  state: nullable(number()),
});
export type FactsAsOf = Infer<typeof factsAsOfSchema>;

/** Allow-listed `config` fields: scalars only, never secrets (see `connection-config.ts`). */
export const connectionConfigSchema = record(string(), union([string(), number(), boolean()]));
export type ConnectionConfig = Infer<typeof connectionConfigSchema>;

/**
 * What `connection_failure` / `connection_successful` events said: the newest of each (kept as maxima, so
 * any delivery order agrees). A failure is open while it is newer than every success, including syncs.
 */
export const connectionTestsSchema = strictObject({ failed_at: text, message: text, succeeded_at: text });
export type ConnectionTests = Infer<typeof connectionTestsSchema>;

/** The newest operator action Fivetran told us about (`resync_*`, `force_update_connector`, `edit_connector`). */
export const lastActionSchema = strictObject({ event: string(), at: text, table: text });
export type LastAction = Infer<typeof lastActionSchema>;

export const connectionShape = {
  ...connectionViewShape,
  facts_as_of: factsAsOfSchema,
  /** The non-sensitive part of Fivetran's `config`, from the sweep; null until a sweep read it. */
  config: nullable(connectionConfigSchema),
  /** The newest `connection_failure` and `connection_successful` (see `connection-failure.ts`). */
  connection_tests: nullable(connectionTestsSchema),
  /** The newest action event; `edit_connector` also makes the schema summary due at the next sweep. */
  last_action: nullable(lastActionSchema),
  /**
   * The starts of the newest few syncs (by start), so a `sync_end` learns its sync's start from the connection
   * itself, whatever order the two arrive in: the webhook path then needs no read of the run.
   */
  recent_starts: array(strictObject({ sync_id: string(), started_at: string() })),
  /** The last 7 days of runs rolled up, and when history was last read (see `sync-stats.ts`). */
  sync_ledger: nullable(syncLedgerSchema),
};

/** The connection as the store keeps it: the view plus `facts_as_of` and `config` (never in lists). */
export const connectionSchema = object(connectionShape);
export type Connection = Infer<typeof connectionSchema>;

export const EMPTY_STATUS: ConnectionStatus = {
  setup_state: null,
  sync_state: null,
  update_state: null,
  is_historical_sync: null,
  rescheduled_for: null,
  schema_status: null,
  ...NO_NOTICES,
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
    daily_sync_time: null,
    data_delay_sensitivity: null,
    data_delay_threshold: null,
    connected_by: null,
    service_version: null,
    setup_tests: [],
    pause_after_trial: null,
    succeeded_at: null,
    failed_at: null,
    created_at: null,
    deleted_at: null,
    last_sync: null,
    last_completed_sync: null,
    freshness: null,
    updated_at: nowIso,
    schema_version: SCHEMA_VERSION,
    facts_as_of: { identity: null, paused: null, deleted: null, state: null },
    config: null,
    connection_tests: null,
    last_action: null,
    recent_starts: [],
    sync_ledger: null,
  };
  return { ...base, ...assessHealth(base, null, nowIso) };
}

const VIEW_FIELDS = Object.keys(connectionViewShape) as (keyof ConnectionView)[];

/** The connection with its health and reason recomputed (every write goes through this). */
export function withHealth(connection: Connection, previous: Connection | null, nowIso: string): Connection {
  const fresh = withFreshnessAndLedger(connection, previous, nowIso);
  const inputs = { ...fresh, connection_failure: openConnectionFailure(fresh) };
  return { ...fresh, ...assessHealth(inputs, previous?.health_reason ?? null, nowIso) };
}

/** The contract's view of a connection: exactly its fields, in its order (bookkeeping dropped). */
export function connectionView(connection: Connection): ConnectionView {
  const view: Record<string, unknown> = {};
  for (const field of VIEW_FIELDS) view[field] = connection[field];
  return view as ConnectionView;
}
