import {
  type Connection,
  type ConnectionConfig,
  EMPTY_STATUS,
  type FactsAsOf,
  type SyncRecord,
  unknownConnection,
} from '../connection/connection.ts';
import type { SyncRun } from '../connection/sync-run.ts';
import type { Health } from '../health.ts';
import {
  ALL_CONNECTIONS,
  ALL_EVENTS,
  ALL_QUARANTINED,
  connectionsByGroup,
  connectionsByHealth,
  eventsOf,
  instantKey,
  SCHEMA_VERSION,
  syncRunsOf,
} from './keys.ts';
import type { StoredItem } from './versioned-update.ts';

/** Item ↔ domain mapping. Index attributes are derived here, so they can never disagree with the item. */

export function connectionItem(connection: Connection): StoredItem {
  return {
    ...connection,
    kind: 'connection',
    gsi1pk: ALL_CONNECTIONS,
    gsi1sk: connection.id,
    gsi2pk: connectionsByHealth(connection.health),
    gsi2sk: connection.id,
    ...(connection.group_id
      ? { gsi3pk: connectionsByGroup(connection.group_id), gsi3sk: connection.id }
      : {}),
  };
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

export function decodeConnection(item: StoredItem): Connection {
  const defaults = unknownConnection(String(item.id), str(item.updated_at) ?? new Date(0).toISOString());
  const status = (item.status ?? {}) as Partial<Connection['status']>;
  const asOf = (item.facts_as_of ?? {}) as Partial<FactsAsOf>;
  return {
    id: defaults.id,
    group_id: str(item.group_id),
    service: str(item.service),
    schema: str(item.schema),
    paused: item.paused === true,
    status: {
      setup_state: status.setup_state ?? EMPTY_STATUS.setup_state,
      sync_state: status.sync_state ?? EMPTY_STATUS.sync_state,
      update_state: status.update_state ?? EMPTY_STATUS.update_state,
      is_historical_sync: status.is_historical_sync ?? EMPTY_STATUS.is_historical_sync,
      rescheduled_for: status.rescheduled_for ?? EMPTY_STATUS.rescheduled_for,
      tasks: Array.isArray(status.tasks) ? status.tasks : [],
      warnings: Array.isArray(status.warnings) ? status.warnings : [],
    },
    sync_frequency: num(item.sync_frequency),
    schedule_type: str(item.schedule_type),
    succeeded_at: str(item.succeeded_at),
    failed_at: str(item.failed_at),
    created_at: str(item.created_at),
    deleted_at: str(item.deleted_at),
    last_sync: (item.last_sync as SyncRecord | null | undefined) ?? null,
    last_completed_sync: (item.last_completed_sync as SyncRecord | null | undefined) ?? null,
    health: (str(item.health) as Health | null) ?? defaults.health,
    updated_at: defaults.updated_at,
    schema_version: num(item.schema_version) ?? SCHEMA_VERSION,
    facts_as_of: {
      identity: asOf.identity ?? null,
      paused: asOf.paused ?? null,
      deleted: asOf.deleted ?? null,
      state: asOf.state ?? null,
    },
    config: decodeConfig(item.config),
  };
}

function decodeConfig(value: unknown): ConnectionConfig | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const config: Record<string, string | number | boolean> = {};
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'string' || typeof field === 'number' || typeof field === 'boolean')
      config[key] = field;
  }
  return config;
}

export function syncRunItem(run: SyncRun, expiresAt: number, nowMs: number): StoredItem {
  const sortMs = Date.parse(run.started_at ?? run.ended_at ?? '') || nowMs;
  return {
    ...run,
    kind: 'sync_run',
    gsi2pk: syncRunsOf(run.connection_id),
    gsi2sk: `${instantKey(sortMs)}#${run.sync_id}`,
    expires_at: expiresAt,
    schema_version: SCHEMA_VERSION,
  };
}

export function decodeSyncRun(item: StoredItem): SyncRun {
  return {
    connection_id: String(item.connection_id),
    sync_id: String(item.sync_id),
    status: String(item.status),
    started_at: str(item.started_at),
    ended_at: str(item.ended_at),
    duration_s: num(item.duration_s),
    reason: str(item.reason),
    task_type: str(item.task_type),
    end_as_of: num(item.end_as_of),
  };
}

/** A raw webhook event as kept: the exact body text plus the fields listings filter on. */
export interface StoredEvent {
  readonly id: string;
  readonly event: string;
  readonly created: string | null;
  readonly received_at: string;
  readonly connection_id: string | null;
  readonly group_id: string | null;
  readonly service: string | null;
  readonly sync_id: string | null;
  /** The body exactly as received (valid UTF-8 JSON, or it would have been quarantined). */
  readonly body: string;
}

export function eventItem(
  stored: StoredEvent,
  sortMs: number,
  indexedConnectionId: string | null,
  expiresAt: number,
): StoredItem {
  const sortKey = `${instantKey(sortMs)}#${stored.id}`;
  return {
    ...stored,
    kind: 'event',
    gsi1pk: ALL_EVENTS,
    gsi1sk: sortKey,
    ...(indexedConnectionId ? { gsi2pk: eventsOf(indexedConnectionId), gsi2sk: sortKey } : {}),
    expires_at: expiresAt,
    schema_version: SCHEMA_VERSION,
  };
}

export function decodeEvent(item: StoredItem): StoredEvent {
  return {
    id: String(item.id),
    event: String(item.event),
    created: str(item.created),
    received_at: String(item.received_at),
    connection_id: str(item.connection_id),
    group_id: str(item.group_id),
    service: str(item.service),
    sync_id: str(item.sync_id),
    body: String(item.body),
  };
}

/** The contract's view of an event: its fields plus the parsed payload. */
export function eventView(stored: StoredEvent): Record<string, unknown> {
  const { body, ...fields } = stored;
  return { ...fields, payload: JSON.parse(body) as unknown };
}

export interface QuarantinedBody {
  readonly id: string;
  readonly reason: string;
  /** The exact bytes, base64: they were not readable as a Fivetran event, so they are kept as they came. */
  readonly body_base64: string;
  readonly size: number;
  readonly received_at: string;
}

export function quarantineItem(quarantined: QuarantinedBody, expiresAt: number): StoredItem {
  return {
    ...quarantined,
    kind: 'quarantined',
    counted: false,
    gsi1pk: ALL_QUARANTINED,
    gsi1sk: `${quarantined.received_at}#${quarantined.id}`,
    expires_at: expiresAt,
    schema_version: SCHEMA_VERSION,
  };
}

/** Account-level counters, readable with one GetItem. */
export interface AccountStats {
  readonly last_webhook_at: string | null;
  readonly events_quarantined: number;
  readonly probes_answered: number;
}

export function decodeStats(item: StoredItem | undefined): AccountStats {
  return {
    last_webhook_at: str(item?.last_webhook_at),
    events_quarantined: num(item?.events_quarantined) ?? 0,
    probes_answered: num(item?.probes_answered) ?? 0,
  };
}
