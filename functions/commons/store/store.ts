import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { applyEvent, eventConnectionId, sameConnection } from '../connection/apply-event.ts';
import type { Connection } from '../connection/connection.ts';
import { applyEventToSyncRun, type SyncRun } from '../connection/sync-run.ts';
import { computeHealth, type Health } from '../health.ts';
import { canonicalJson } from '../webhook/canonical-json.ts';
import type { FivetranEvent } from '../webhook/parse-event.ts';
import { type HealthChange, type HealthNotifier, noopHealthNotifier } from './health-notifier.ts';
import {
  type AccountStats,
  connectionItem,
  decodeConnection,
  decodeEvent,
  decodeStats,
  decodeSyncRun,
  eventItem,
  quarantineItem,
  type StoredEvent,
  syncRunItem,
} from './items.ts';
import {
  ALL_CONNECTIONS,
  ALL_EVENTS,
  connectionKey,
  connectionsByGroup,
  connectionsByHealth,
  eventKey,
  eventsOf,
  quarantineKey,
  SCHEMA_VERSION,
  STATS_KEY,
  syncRunKey,
  syncRunsOf,
  usableId,
} from './keys.ts';
import { allOf, type Filter, indexNamed, type Page, type PageRequest, queryPage } from './query-page.ts';
import { isConditionalCheckFailed } from './store-errors.ts';
import { TTL_ATTRIBUTE } from './table-definition.ts';
import { type KnownItem, updateVersioned, type VersionedTable } from './versioned-update.ts';

export interface StoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Raw events, quarantined bodies and sync runs expire this long after their last write. */
  readonly retentionDays: number;
  readonly now?: () => number;
  readonly notifier?: HealthNotifier;
  /** Called when the notifier throws; the write itself has already succeeded. */
  readonly onNotifierError?: (error: unknown, change: HealthChange) => void;
  readonly maxAttempts?: number;
}

export interface RecordedEvent {
  /** The event was already stored (its updates were re-applied all the same). */
  readonly duplicate: boolean;
  /** The connection after the event, or null for account-level and dummy events. */
  readonly connection: Connection | null;
}

export type DeletedFilter = 'false' | 'true' | 'any';

export interface ConnectionFilters {
  readonly health?: Health | undefined;
  readonly group_id?: string | undefined;
  readonly service?: string | undefined;
  readonly deleted: DeletedFilter;
}

export interface EventFilters {
  readonly event?: string | undefined;
  readonly group_id?: string | undefined;
}

export interface SavedConnection {
  readonly before: Connection | null;
  readonly after: Connection | null;
  readonly written: boolean;
  /** The item's version after the call (see `versioned-update.ts`). */
  readonly version: number | null;
}

export interface Store {
  /** Keeps the event once (conditional put), then applies it to its sync run and connection. */
  recordEvent(event: FivetranEvent, id: string, body: Uint8Array): Promise<RecordedEvent>;
  /** Keeps an unreadable signed body as it came, counted once. */
  recordQuarantine(input: { id: string; reason: string; body: Uint8Array }): Promise<{ duplicate: boolean }>;
  /** Counts an answered creation probe (nothing stored). */
  recordProbe(): Promise<void>;
  /**
   * Read-modify-write of one connection with optimistic concurrency; `plan` returns the next value or null
   * for "no change". Health is recomputed and a real change notified. (The sweep writes through this too.)
   */
  saveConnection(
    id: string,
    plan: (current: Connection | null) => Connection | null,
    known?: KnownItem<Connection>,
  ): Promise<SavedConnection>;
  getConnection(id: string): Promise<Connection | null>;
  listConnections(filters: ConnectionFilters, page: PageRequest): Promise<Page<Connection>>;
  /** The connection's newest sync runs (not expired), newest first. */
  listSyncRuns(connectionId: string, limit?: number): Promise<SyncRun[]>;
  listConnectionEvents(connectionId: string, page: PageRequest): Promise<Page<StoredEvent>>;
  listEvents(filters: EventFilters, page: PageRequest): Promise<Page<StoredEvent>>;
  getStats(): Promise<AccountStats>;
  /** Resolves when the table answers. */
  ping(): Promise<void>;
}

const DAY_SECONDS = 86_400;
const utf8 = new TextDecoder('utf-8');

export function createStore(options: StoreOptions): Store {
  const { client, tableName } = options;
  const now = options.now ?? Date.now;
  const notifier = options.notifier ?? noopHealthNotifier;
  const table: VersionedTable = { client, tableName, maxAttempts: options.maxAttempts ?? 30 };
  const expiresAt = (ms: number) => Math.floor(ms / 1000) + options.retentionDays * DAY_SECONDS;
  const notExpired = (ms: number): Filter => ({
    expression: '#ttl > :now',
    names: { '#ttl': TTL_ATTRIBUTE },
    values: { ':now': Math.floor(ms / 1000) },
  });

  async function notify(change: HealthChange): Promise<void> {
    try {
      await notifier.onHealthChange(change);
    } catch (error) {
      options.onNotifierError?.(error, change);
    }
  }

  async function saveConnection(
    id: string,
    plan: (current: Connection | null) => Connection | null,
    known?: KnownItem<Connection>,
  ): Promise<SavedConnection> {
    const result = await updateVersioned(
      table,
      connectionKey(id),
      decodeConnection,
      (current) => {
        const planned = plan(current);
        if (planned === null) return null;
        const next = { ...planned, health: computeHealth(planned), schema_version: SCHEMA_VERSION };
        if (current !== null && sameConnection(current, next)) return null;
        return { value: next, item: connectionItem(next) };
      },
      known,
    );
    const { before, after } = result;
    if (result.written && after !== null && before?.health !== after.health) {
      await notify({
        connection_id: after.id,
        group_id: after.group_id,
        service: after.service,
        schema: after.schema,
        previous: before?.health ?? null,
        health: after.health,
        last_sync: after.last_sync,
        changed_at: after.updated_at,
      });
    }
    return result;
  }

  async function putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await client.send(
        new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * `last_webhook_at` only moves forward, whatever order concurrent writers finish in. One write per second
   * per store instance is enough for a "last seen" time, and spares the hot stats item a write per event.
   */
  let lastTouchedMs = Number.NEGATIVE_INFINITY;
  async function touchLastWebhook(ms: number): Promise<void> {
    if (Math.abs(ms - lastTouchedMs) < 1000) return;
    lastTouchedMs = ms;
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: STATS_KEY,
          UpdateExpression: 'SET last_webhook_at = :iso, last_webhook_ms = :ms, schema_version = :sv',
          ConditionExpression: 'attribute_not_exists(last_webhook_ms) OR last_webhook_ms < :ms',
          ExpressionAttributeValues: { ':iso': new Date(ms).toISOString(), ':ms': ms, ':sv': SCHEMA_VERSION },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async function addToStats(counter: 'events_quarantined' | 'probes_answered'): Promise<void> {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: STATS_KEY,
        UpdateExpression: 'ADD #counter :one SET schema_version = :sv',
        ExpressionAttributeNames: { '#counter': counter },
        ExpressionAttributeValues: { ':one': 1, ':sv': SCHEMA_VERSION },
      }),
    );
  }

  async function applyToSyncRun(
    event: FivetranEvent,
    connectionId: string,
    ms: number,
  ): Promise<SyncRun | null> {
    const syncId = usableId(event.syncId);
    if (syncId === null || (event.event !== 'sync_start' && event.event !== 'sync_end')) return null;
    const result = await updateVersioned(
      table,
      syncRunKey(connectionId, syncId),
      decodeSyncRun,
      (current) => {
        const next = applyEventToSyncRun(current, event, connectionId);
        if (next === null) return null;
        // Unchanged runs are not rewritten (their expiry is refreshed by the next real change).
        if (current !== null && canonicalJson(current) === canonicalJson(next)) return null;
        return { value: next, item: syncRunItem(next, expiresAt(ms), ms) };
      },
    );
    return result.after;
  }

  return {
    async recordEvent(event, id, body) {
      const ms = now();
      const nowIso = new Date(ms).toISOString();
      const connectionId = eventConnectionId(event);
      const stored: StoredEvent = {
        id,
        event: event.event,
        created: event.created,
        received_at: nowIso,
        connection_id: event.connectionId,
        group_id: event.groupId,
        service: event.service,
        sync_id: event.syncId,
        body: utf8.decode(body),
      };
      // 1. The event itself, exactly once: everything after it is idempotent and re-run on a duplicate.
      const item = eventItem(stored, event.createdAtMs ?? ms, connectionId, expiresAt(ms));
      const created = await putIfAbsent({ ...item, ...eventKey(id) });
      let connection: Connection | null = null;
      if (connectionId !== null) {
        // 2. Its sync run, then 3. its connection (the run knows the sync's start and newest end).
        const run = await applyToSyncRun(event, connectionId, ms);
        const saved = await saveConnection(connectionId, (current) => {
          const applied = applyEvent(current, event, { nowIso, syncRun: run });
          return applied?.changed ? applied.connection : null;
        });
        connection = saved.after;
      }
      await touchLastWebhook(ms);
      return { duplicate: !created, connection };
    },

    async recordQuarantine({ id, reason, body }) {
      const ms = now();
      const receivedAt = new Date(ms).toISOString();
      const key = quarantineKey(id);
      const item = quarantineItem(
        {
          id,
          reason,
          body_base64: Buffer.from(body).toString('base64'),
          size: body.byteLength,
          received_at: receivedAt,
        },
        expiresAt(ms),
      );
      const created = await putIfAbsent({ ...item, ...key });
      let counted = false;
      if (!created) {
        const { Item } = await client.send(
          new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
        );
        counted = Item?.counted === true;
      }
      // Count, then mark counted: a crash in between over-counts by one on the retry, never under-counts.
      if (!counted) {
        await addToStats('events_quarantined');
        await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'SET counted = :true',
            ExpressionAttributeValues: { ':true': true },
          }),
        );
      }
      await touchLastWebhook(ms);
      return { duplicate: !created };
    },

    async recordProbe() {
      await addToStats('probes_answered');
    },

    saveConnection,

    async getConnection(id) {
      if (usableId(id) === null) return null;
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: connectionKey(id) }));
      return Item ? decodeConnection(Item) : null;
    },

    listConnections(filters, page) {
      const { health, group_id, service, deleted } = filters;
      const [index, partition] = health
        ? [indexNamed('gsi2'), connectionsByHealth(health)]
        : group_id
          ? [indexNamed('gsi3'), connectionsByGroup(group_id)]
          : [indexNamed('gsi1'), ALL_CONNECTIONS];
      const filter = allOf([
        health && group_id
          ? { expression: '#group = :group', names: { '#group': 'group_id' }, values: { ':group': group_id } }
          : null,
        service
          ? {
              expression: '#service = :service',
              names: { '#service': 'service' },
              values: { ':service': service },
            }
          : null,
        deleted === 'any'
          ? null
          : {
              expression: 'attribute_type(#deleted, :type)',
              names: { '#deleted': 'deleted_at' },
              values: { ':type': deleted === 'true' ? 'S' : 'NULL' },
            },
      ]);
      return queryPage(client, tableName, {
        index,
        partition,
        newestFirst: false,
        filter,
        scope: { listing: 'connections', filters: { health, group_id, service, deleted } },
        page,
        decode: decodeConnection,
      });
    },

    async listSyncRuns(connectionId, limit = 20) {
      const page = await queryPage(client, tableName, {
        index: indexNamed('gsi2'),
        partition: syncRunsOf(connectionId),
        newestFirst: true,
        filter: notExpired(now()),
        scope: { listing: 'syncs', filters: { connectionId } },
        page: { limit, cursor: null },
        decode: decodeSyncRun,
      });
      return page.items;
    },

    listConnectionEvents(connectionId, page) {
      return queryPage(client, tableName, {
        index: indexNamed('gsi2'),
        partition: eventsOf(connectionId),
        newestFirst: true,
        filter: notExpired(now()),
        scope: { listing: 'connection-events', filters: { connectionId } },
        page,
        decode: decodeEvent,
      });
    },

    listEvents(filters, page) {
      const filter = allOf([
        notExpired(now()),
        filters.event
          ? {
              expression: '#event = :event',
              names: { '#event': 'event' },
              values: { ':event': filters.event },
            }
          : null,
        filters.group_id
          ? {
              expression: '#group = :group',
              names: { '#group': 'group_id' },
              values: { ':group': filters.group_id },
            }
          : null,
      ]);
      return queryPage(client, tableName, {
        index: indexNamed('gsi1'),
        partition: ALL_EVENTS,
        newestFirst: true,
        filter,
        scope: { listing: 'events', filters: { event: filters.event, group_id: filters.group_id } },
        page,
        decode: decodeEvent,
      });
    },

    async getStats() {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: STATS_KEY }));
      return decodeStats(Item);
    },

    async ping() {
      await client.send(new GetCommand({ TableName: tableName, Key: STATS_KEY }));
    },
  };
}
