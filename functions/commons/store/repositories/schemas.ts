import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { AccessPatterns, connectionSchemaKey, indexEntry } from '../table/keys.ts';
import { queryPartition } from '../table/query-partition.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';

/** What the sweep needs to decide whether a connection's schema is due for another fetch. */
export interface SchemaFreshness {
  readonly connection_id: string;
  /** `none`: Fivetran has no schema config for it yet (`NotFound_SchemaConfig`, before its first sync). */
  readonly state: 'present' | 'none';
  readonly fetched_at: string;
  /** Fingerprint of the connection's definition when fetched: a different one means "changed since". */
  readonly fingerprint: string;
  /** The connection's `succeeded_at` when fetched: a `none` schema is worth asking again after a sync. */
  readonly synced_as_of: string | null;
}

/** A connection's schema selection summary item (`CONN#<id>` / `SCHEMA`). */
export interface ConnectionSchemaRecord extends SchemaFreshness {
  /** The compact summary (see `sweep/schema-summary.ts`); null when `state` is `none`. */
  readonly summary: object | null;
}

const FRESHNESS_ATTRIBUTES = ['connection_id', 'state', 'fetched_at', 'fingerprint', 'synced_as_of'] as const;
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function decodeFreshness(item: StoredItem): SchemaFreshness {
  return {
    connection_id: String(item.connection_id),
    state: item.state === 'none' ? 'none' : 'present',
    fetched_at: str(item.fetched_at) ?? new Date(0).toISOString(),
    fingerprint: str(item.fingerprint) ?? '',
    synced_as_of: str(item.synced_as_of),
  };
}

export interface SchemaRepository {
  /** Every schema item's freshness (projected: the summaries themselves are not read). */
  readFreshness(): Promise<Map<string, SchemaFreshness>>;
  save(record: ConnectionSchemaRecord): Promise<void>;
  get(connectionId: string): Promise<ConnectionSchemaRecord | null>;
}

export function schemaRepository(table: TableRef): SchemaRepository {
  return {
    async readFreshness() {
      const found = new Map<string, SchemaFreshness>();
      for await (const items of queryPartition(table, AccessPatterns.allSchemas(), {
        attributes: FRESHNESS_ATTRIBUTES,
      })) {
        for (const item of items) {
          const freshness = decodeFreshness(item);
          found.set(freshness.connection_id, freshness);
        }
      }
      return found;
    },

    async save(record) {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            ...record,
            ...connectionSchemaKey(record.connection_id),
            kind: 'schema',
            ...indexEntry(AccessPatterns.allSchemas(), record.connection_id),
            schema_version: SCHEMA_VERSION,
          },
        }),
      );
    },

    async get(connectionId) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: connectionSchemaKey(connectionId) }),
      );
      if (!Item) return null;
      const summary = Item.summary;
      return { ...decodeFreshness(Item), summary: summary && typeof summary === 'object' ? summary : null };
    },
  };
}
