import { withBoundedNotices } from '../../connection/bounded-notices.ts';
import { type Connection, connectionShape, unknownConnection } from '../../connection/connection.ts';
import { HEALTH_VALUES, type Health } from '../../connection/health.ts';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import { AccessPatterns, connectionKey, indexEntry } from '../table/keys.ts';
import { allOf, type Page, type PageRequest, queryPage } from '../table/query-page.ts';
import type { TableRef } from '../table/table-ref.ts';
import { versionedItems } from '../table/versioned-items.ts';
import type { KnownItem, StoredItem, VersionedResult } from '../table/versioned-update.ts';
import { countConnectionsByHealth, type HealthCounts } from './health-counts.ts';
import { decodeLedgerAttribute, encodeLedger } from './ledger-codec.ts';

export type DeletedFilter = 'false' | 'true' | 'any';

export interface ConnectionFilters {
  readonly health?: Health | undefined;
  readonly group_id?: string | undefined;
  readonly service?: string | undefined;
  readonly deleted: DeletedFilter;
}

export type SavedConnection = VersionedResult<Connection>;

/** The connection item: the connection plus the index entries of the listings it belongs to. */
export function connectionItem(connection: Connection): StoredItem {
  return {
    ...connection,
    sync_ledger: encodeLedger(connection.sync_ledger),
    kind: 'connection',
    ...indexEntry(AccessPatterns.allConnections(), connection.id),
    ...indexEntry(AccessPatterns.connectionsByHealth(connection.health), connection.id),
    ...(connection.group_id
      ? indexEntry(AccessPatterns.connectionsByGroup(connection.group_id), connection.id)
      : {}),
  };
}

/**
 * A stored item back as a connection. Field by field: an attribute that does not fit its schema (an item from
 * an older shape, or edited by hand) takes its default, so one odd attribute never hides a connection.
 */
export function decodeConnection(item: StoredItem): Connection {
  const defaults = unknownConnection(
    String(item.id),
    typeof item.updated_at === 'string' ? item.updated_at : new Date(0).toISOString(),
  );
  const migrated = migrateConnectionItem(item);
  const readable = { ...migrated, sync_ledger: decodeLedgerAttribute(migrated.sync_ledger) };
  return readFields(connectionShape, readable, defaults).value;
}

/**
 * Items written by an older shape, brought to this one. v1 → v2: `status` had no `schema_status` (the new
 * top-level fields simply take their defaults field by field); the health is recomputed on the next write,
 * and a v1 `failing` that only meant "setup incomplete" becomes `pending` then.
 */
export function migrateConnectionItem(item: StoredItem): StoredItem {
  const version = typeof item.schema_version === 'number' ? item.schema_version : 1;
  if (version >= 3) return item;
  const status = item.status;
  const v2 =
    version < 2 && status !== null && typeof status === 'object' && !('schema_status' in status)
      ? { ...item, status: { ...status, schema_status: null } }
      : item;
  // v2 → v3: tasks and warnings kept verbatim become bounded notices with their totals.
  return withBoundedNotices(v2);
}

export interface ConnectionRepository {
  get(id: string): Promise<Connection | null>;
  /**
   * Read-modify-write with optimistic concurrency: `plan` gets the stored connection (or null) and returns the
   * next one, or null for "no change". `known` is what the caller read moments ago (the first attempt trusts it).
   */
  update(
    id: string,
    plan: (current: Connection | null) => Connection | null,
    known?: KnownItem<Connection>,
  ): Promise<SavedConnection>;
  /**
   * One page of a listing: by health, else by group, else all; the other filters narrow it. Without the 7-day
   * roll-up (`sync_ledger` null): no listing shows it, and reading it costs every row (`get`/`readAll` have it).
   */
  list(filters: ConnectionFilters, page: PageRequest): Promise<Page<Connection>>;
  /** Every stored connection (deleted ones too) with its item version, in ~1 MB queries. */
  readAll(): Promise<Map<string, KnownItem<Connection>>>;
  /** Live and deleted connections by health, counted in the index (the items never leave the table). */
  countByHealth(): Promise<HealthCounts>;
}

export function connectionRepository(
  table: TableRef,
  options: { readonly maxAttempts: number },
): ConnectionRepository {
  return {
    ...versionedItems(table, options, {
      key: connectionKey,
      decode: decodeConnection,
      toItem: (next) => connectionItem({ ...next, schema_version: SCHEMA_VERSION }),
      listing: AccessPatterns.allConnections,
    }),

    list(filters, page) {
      const { health, group_id, service, deleted } = filters;
      const pattern = health
        ? AccessPatterns.connectionsByHealth(health)
        : group_id
          ? AccessPatterns.connectionsByGroup(group_id)
          : AccessPatterns.allConnections();
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
      return queryPage(table, {
        pattern,
        newestFirst: false,
        filter,
        scope: { listing: 'connections', filters: { health, group_id, service, deleted } },
        page,
        decode: (item) => decodeConnection({ ...item, sync_ledger: null }),
      });
    },

    countByHealth: () => countConnectionsByHealth(table, HEALTH_VALUES),
  };
}
