import { createHash } from 'node:crypto';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import { type DestinationTable, destinationTableSchema } from '../../tables/table-item.ts';
import { AccessPatterns, indexEntry, tableAliasKey, tableKey } from '../table/keys.ts';
import type { StoredItem } from '../table/versioned-update.ts';

/** Destination table items: keys, the listings they belong to, and reading them back. */
/** Characters of the lower-case `schema.table` kept in sort keys: at 4 UTF-8 bytes each, far below 1 KB. */
const NAME_KEY_LENGTH = 200;

export const lower = (value: string) => value.toLowerCase();

/** The partition name part for a table name: any length, one fixed-size key. */
export function tableNameHash(name: string): string {
  return createHash('sha256').update(lower(name)).digest('base64url').slice(0, 32);
}

const nameKey = (name: { schema: string; table: string }, tableId: string) =>
  `${lower(`${name.schema}.${name.table}`).slice(0, NAME_KEY_LENGTH)}#${tableId}`;

/** Lower-case copies the listings filter on: DynamoDB compares case-sensitively, the API does not. */
export const MATCH = {
  destinationSchema: 'match_dest_schema',
  destinationTable: 'match_dest_table',
  sourceSchema: 'match_source_schema',
  sourceTable: 'match_source_table',
} as const;

export const needsAlias = (table: DestinationTable) =>
  lower(table.source.table) !== lower(table.destination.table);

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
