import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ALL_SCHEMAS, connectionSchemaKey, SCHEMA_VERSION } from './keys.ts';
import { queryPartition } from './query-all.ts';
import type { TableRef } from './table-ref.ts';
import type { StoredItem } from './versioned-update.ts';

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

/** Every schema item's freshness (projected: the summaries themselves are not read). */
export async function readSchemaFreshness(table: TableRef): Promise<Map<string, SchemaFreshness>> {
  const found = new Map<string, SchemaFreshness>();
  for await (const items of queryPartition(table, {
    index: 'gsi1',
    partition: ALL_SCHEMAS,
    attributes: FRESHNESS_ATTRIBUTES,
  })) {
    for (const item of items) {
      const freshness = decodeFreshness(item);
      found.set(freshness.connection_id, freshness);
    }
  }
  return found;
}

export async function saveConnectionSchema(table: TableRef, record: ConnectionSchemaRecord): Promise<void> {
  await table.client.send(
    new PutCommand({
      TableName: table.tableName,
      Item: {
        ...record,
        ...connectionSchemaKey(record.connection_id),
        kind: 'schema',
        gsi1pk: ALL_SCHEMAS,
        gsi1sk: record.connection_id,
        schema_version: SCHEMA_VERSION,
      },
    }),
  );
}

export async function getConnectionSchema(
  table: TableRef,
  connectionId: string,
): Promise<ConnectionSchemaRecord | null> {
  const { Item } = await table.client.send(
    new GetCommand({ TableName: table.tableName, Key: connectionSchemaKey(connectionId) }),
  );
  if (!Item) return null;
  const summary = Item.summary;
  return { ...decodeFreshness(Item), summary: summary && typeof summary === 'object' ? summary : null };
}
