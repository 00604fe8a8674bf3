import type { Connection as ApiConnection } from '../fivetran/schemas.ts';
import { canonicalJson } from '../lib/canonical-json.ts';
import { toInstantMs } from '../lib/instant.ts';
import { clipText, MAX_LABEL_LENGTH, MAX_REASON_LENGTH } from '../lib/text.ts';
import { sameConnection } from './apply-event.ts';
import { boundedNotices, clippedApiConnection } from './bounded-notices.ts';
import {
  type Connection,
  type ConnectionStatus,
  type FactsAsOf,
  type SetupTest,
  unknownConnection,
  withHealth,
} from './connection.ts';
import { allowListedConfig } from './connection-config.ts';
import { factWins } from './newest-fact.ts';
import { mergeCompletedSync, mergeSyncRecord, syncRecordFromApi } from './sync-record.ts';

export interface ApiObservation {
  /** When the answer was received (epoch ms): the instant the REST state is known to hold. */
  readonly observedAtMs: number;
  readonly nowIso: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The fields the REST API owns outright (webhooks never state them): one group, one `facts_as_of.state`. */
const STATE_FIELDS = [
  'status',
  'sync_frequency',
  'schedule_type',
  'daily_sync_time',
  'data_delay_sensitivity',
  'data_delay_threshold',
  'connected_by',
  'service_version',
  'setup_tests',
  'pause_after_trial',
  'succeeded_at',
  'failed_at',
  'config',
] as const;
type ApiState = Pick<Connection, (typeof STATE_FIELDS)[number]>;

const MAX_SETUP_TESTS = 50;

function setupTestsFrom(api: ApiConnection): SetupTest[] {
  return (api.setup_tests ?? []).slice(0, MAX_SETUP_TESTS).map((test) => ({
    title: clipText(test.title, MAX_LABEL_LENGTH),
    status: clipText(test.status, MAX_LABEL_LENGTH),
    message: clipText(test.message, MAX_REASON_LENGTH),
  }));
}

/** The state fields as the connection item holds them; what the answer omits reads as unknown. */
function stateFromApi(api: ApiConnection): ApiState {
  // Older answers may omit `status` (or any field but `id`).
  const status: ConnectionStatus = {
    setup_state: api.status?.setup_state ?? null,
    sync_state: api.status?.sync_state ?? null,
    update_state: api.status?.update_state ?? null,
    is_historical_sync: api.status?.is_historical_sync ?? null,
    rescheduled_for: api.status?.rescheduled_for ?? null,
    schema_status: clipText(api.status?.schema_status, MAX_LABEL_LENGTH),
    ...boundedNotices(api.status),
  };
  return {
    status,
    sync_frequency: api.sync_frequency ?? null,
    schedule_type: api.schedule_type ?? null,
    daily_sync_time: clipText(api.daily_sync_time, MAX_LABEL_LENGTH),
    data_delay_sensitivity: clipText(api.data_delay_sensitivity, MAX_LABEL_LENGTH),
    data_delay_threshold: api.data_delay_threshold ?? null,
    connected_by: clipText(api.connected_by, MAX_LABEL_LENGTH),
    service_version: api.service_version ?? null,
    setup_tests: setupTestsFrom(api),
    pause_after_trial: api.pause_after_trial ?? null,
    succeeded_at: api.succeeded_at ?? null,
    failed_at: api.failed_at ?? null,
    config: allowListedConfig(api.config),
  };
}

function stateOf(connection: Connection): ApiState {
  return Object.fromEntries(STATE_FIELDS.map((field) => [field, connection[field]])) as ApiState;
}

const differs = (a: unknown, b: unknown): boolean => canonicalJson(a) !== canonicalJson(b);

/**
 * Merges what the REST API says about a connection (a listing item, or its details) into the stored one.
 * Each group of fields takes the API's value only when it differs and the observation is newer than the
 * fact behind the stored value, so a late sweep never rolls back a newer webhook, and a connection the
 * API confirms unchanged is left exactly as it was: no write, no `updated_at` change. `last_sync` and
 * `last_completed_sync` merge by instant (on a tie the webhook's richer record stays). Being listed is proof
 * of existence: a deleted connection seen in a newer listing is restored.
 */
export function applyApiConnection(
  current: Connection | null,
  answer: ApiConnection,
  observation: ApiObservation,
): Connection {
  const api = clippedApiConnection(answer);
  const at = observation.observedAtMs;
  const before = current ?? unknownConnection(api.id, observation.nowIso);
  const next: Mutable<Connection> = { ...before };
  const asOf: Mutable<FactsAsOf> = { ...before.facts_as_of };

  const identity = {
    group_id: api.group_id ?? null,
    service: api.service ?? null,
    schema: api.schema ?? null,
  };
  const knownIdentity = { group_id: next.group_id, service: next.service, schema: next.schema };
  // On an exact tie the API's complete snapshot beats a webhook's (which uses the opposite tie rule).
  if (differs(identity, knownIdentity) && factWins(at, asOf.identity, true)) {
    Object.assign(next, identity);
    asOf.identity = at;
  }

  // A pause beats a resume on a tie, as with webhooks. A default (`paused: false` with no fact behind it)
  // confirmed by the API becomes a fact, once, so an older webhook pause cannot override it later.
  if (
    typeof api.paused === 'boolean' &&
    (api.paused !== next.paused || asOf.paused === null) &&
    factWins(at, asOf.paused, api.paused)
  ) {
    next.paused = api.paused;
    asOf.paused = at;
  }

  if (next.deleted_at !== null && factWins(at, asOf.deleted, false)) {
    next.deleted_at = null;
    asOf.deleted = at;
  }

  // Creation time: the earliest stated (as webhooks do), so the two sources never take turns.
  const created = api.created_at ?? null;
  const createdMs = toInstantMs(created);
  const knownCreatedMs = toInstantMs(next.created_at);
  if (created !== null && createdMs !== null && (knownCreatedMs === null || createdMs < knownCreatedMs)) {
    next.created_at = created;
  }

  const state = stateFromApi(api);
  if (differs(state, stateOf(next)) && factWins(at, asOf.state, true)) {
    Object.assign(next, state);
    asOf.state = at;
  }

  const record = syncRecordFromApi(api.succeeded_at ?? null, api.failed_at ?? null);
  if (record !== null) {
    next.last_sync = mergeSyncRecord(next.last_sync, record);
    next.last_completed_sync = mergeCompletedSync(next.last_completed_sync, record);
  }

  next.facts_as_of = asOf;
  const assessed = withHealth(next, before, observation.nowIso);
  if (current === null || !sameConnection(before, assessed)) assessed.updated_at = observation.nowIso;
  return assessed;
}

/**
 * A confirmed deletion (`GET /v1/connections/{id}` answered 404): `deleted_at` is set unless a newer fact
 * (a creation or a newer listing) says the connection exists. The connection keeps its last health.
 */
export function markDeleted(current: Connection, observation: ApiObservation): Connection {
  if (current.deleted_at !== null) return current;
  if (!factWins(observation.observedAtMs, current.facts_as_of.deleted, true)) return current;
  return {
    ...current,
    deleted_at: observation.nowIso,
    facts_as_of: { ...current.facts_as_of, deleted: observation.observedAtMs },
    updated_at: observation.nowIso,
  };
}
