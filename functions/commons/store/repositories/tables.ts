import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import { type DestinationTableSet, tableSetFromItems } from '../../tables/destination-tables.ts';
import { type DestinationTable, destinationTableSchema, type TableFilter } from '../../tables/table-item.ts';
import { AccessPatterns, indexEntry, tableAliasKey, tableKey, tableSetKey } from '../table/keys.ts';
import { allOf, type Filter, type Page, type PageRequest, queryPage } from '../table/query-page.ts';
import { queryPartition } from '../table/query-partition.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';

/** Characters of the lower-case `schema.table` kept in sort keys: at 4 UTF-8 bytes each, far below 1 KB. */
const NAME_KEY_LENGTH = 200;

const lower = (value: string) => value.toLowerCase();

/** The partition name part for a table name: any length, one fixed-size key. */
export function tableNameHash(name: string): string {
  return createHash('sha256').update(lower(name)).digest('base64url').slice(0, 32);
}

const nameKey = (name: { schema: string; table: string }, tableId: string) =>
  `${lower(`${name.schema}.${name.table}`).slice(0, NAME_KEY_LENGTH)}#${tableId}`;

/** Lower-case copies the listings filter on: DynamoDB compares case-sensitively, the API does not. */
const MATCH = {
  destinationSchema: 'match_dest_schema',
  destinationTable: 'match_dest_table',
  sourceSchema: 'match_source_schema',
  sourceTable: 'match_source_table',
} as const;

const needsAlias = (table: DestinationTable) => lower(table.source.table) !== lower(table.destination.table);

function body(table: DestinationTable): StoredItem {
  return {
    ...table,
    kind: 'table',
    [MATCH.destinationSchema]: lower(table.destination.schema),
    [MATCH.destinationTable]: lower(table.destination.table),
    [MATCH.sourceSchema]: lower(table.source.schema),
    [MATCH.sourceTable]: lower(table.source.table),
    schema_version: SCHEMA_VERSION,
  };
}

export function tableItem(table: DestinationTable): StoredItem {
  const sortKey = nameKey(table.destination, table.table_id);
  return {
    ...body(table),
    ...tableKey(table.connection_id, table.table_id),
    ...indexEntry(AccessPatterns.allTables(), sortKey),
    ...indexEntry(AccessPatterns.tablesOf(table.connection_id), sortKey),
    ...indexEntry(AccessPatterns.tablesNamed(tableNameHash(table.destination.table)), sortKey),
  };
}

/** The same table listed under its source table name, for the `table` filter (only when the names differ). */
export function tableAliasItem(table: DestinationTable): StoredItem {
  return {
    ...body(table),
    ...tableAliasKey(table.connection_id, table.table_id),
    kind: 'table_alias',
    ...indexEntry(
      AccessPatterns.tablesNamed(tableNameHash(table.source.table)),
      nameKey(table.source, table.table_id),
    ),
  };
}

const EMPTY_TABLE: DestinationTable = {
  table_id: '0'.repeat(64),
  connection_id: '',
  group_id: null,
  service: null,
  source: { schema: '', table: '' },
  destination: { schema: '', table: '' },
  destination_derived: true,
  enabled: false,
  sync_mode: null,
  columns: null,
  columns_total: 0,
  columns_omitted: 0,
};

export function decodeTable(item: StoredItem): DestinationTable {
  return readFields(destinationTableSchema.shape, item, EMPTY_TABLE).value;
}

const same = (a: DestinationTable, b: DestinationTable) => canonicalJson(a) === canonicalJson(b);

function equalsAny(attributes: readonly string[], value: string, name: string): Filter {
  const names: Record<string, string> = {};
  attributes.forEach((attribute, i) => {
    names[`#${name}${i}`] = attribute;
  });
  return {
    expression: attributes.map((_, i) => `#${name}${i} = :${name}`).join(' OR '),
    names,
    values: { [`:${name}`]: lower(value) },
  };
}

export interface TableRepository {
  /** The connection's stored set (all its tables, a few queries), or null when none was ever stored. */
  readSet(connectionId: string): Promise<DestinationTableSet | null>;
  /**
   * Makes the stored set `next`: puts new and changed tables, deletes the ones `next` no longer has, then
   * records the set. Nothing is written for an unchanged set. Returns the number of items put or deleted.
   */
  saveSet(previous: DestinationTableSet | null, next: DestinationTableSet): Promise<number>;
  /**
   * `GET /api/tables`: by table name when `table` is given (one partition), else one connection's, else all;
   * the other filters narrow it, matching destination or source names case-insensitively.
   */
  list(filter: TableFilter, page: PageRequest): Promise<Page<DestinationTable>>;
}

export function tableRepository(table: TableRef): TableRepository {
  const put = (item: StoredItem) =>
    table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));
  const remove = (key: { pk: string; sk: string }) =>
    table.client.send(new DeleteCommand({ TableName: table.tableName, Key: key }));

  return {
    async readSet(connectionId) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: tableSetKey(connectionId) }),
      );
      if (!Item) return null;
      const items: DestinationTable[] = [];
      for await (const page of queryPartition(table, AccessPatterns.tablesOf(connectionId))) {
        for (const item of page) items.push(decodeTable(item));
      }
      const omitted = typeof Item.tables_omitted === 'number' ? Item.tables_omitted : 0;
      return tableSetFromItems(connectionId, items, omitted);
    },

    async saveSet(previous, next) {
      const before = new Map((previous?.tables ?? []).map((t) => [t.table_id, t]));
      let written = 0;
      for (const current of next.tables) {
        const old = before.get(current.table_id);
        before.delete(current.table_id);
        if (old && same(old, current)) continue;
        await put(tableItem(current));
        written++;
        if (needsAlias(current)) {
          await put(tableAliasItem(current));
          written++;
        } else if (old && needsAlias(old)) {
          await remove(tableAliasKey(old.connection_id, old.table_id));
          written++;
        }
      }
      for (const gone of before.values()) {
        await remove(tableKey(gone.connection_id, gone.table_id));
        if (needsAlias(gone)) await remove(tableAliasKey(gone.connection_id, gone.table_id));
        written++;
      }
      const sameMeta =
        previous !== null &&
        previous.tables_total === next.tables_total &&
        previous.tables_omitted === next.tables_omitted;
      if (written === 0 && sameMeta) return 0;
      // Last, so a sweep cut short mid-way compares with the previous meta next time (and heals).
      await put({
        ...tableSetKey(next.connection_id),
        kind: 'table_set',
        connection_id: next.connection_id,
        tables_total: next.tables_total,
        tables_omitted: next.tables_omitted,
        schema_version: SCHEMA_VERSION,
      });
      return written + 1;
    },

    list(filter, page) {
      const { connection_id, schema, table: tableName } = filter;
      const pattern = tableName
        ? AccessPatterns.tablesNamed(tableNameHash(tableName))
        : connection_id
          ? AccessPatterns.tablesOf(connection_id)
          : AccessPatterns.allTables();
      const conditions = allOf([
        tableName ? equalsAny([MATCH.destinationTable, MATCH.sourceTable], tableName, 't') : null,
        schema ? equalsAny([MATCH.destinationSchema, MATCH.sourceSchema], schema, 's') : null,
        connection_id && tableName
          ? { expression: '#c = :c', names: { '#c': 'connection_id' }, values: { ':c': connection_id } }
          : null,
      ]);
      return queryPage(table, {
        pattern,
        newestFirst: false,
        filter: conditions,
        scope: {
          listing: 'tables',
          filters: { connection_id, schema: schema && lower(schema), table: tableName && lower(tableName) },
        },
        page,
        decode: decodeTable,
      });
    },
  };
}
