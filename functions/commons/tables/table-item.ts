import { createHash } from 'node:crypto';
// zod/mini with named imports: these shapes are on the webhook Lambda's path (its lineage observer).
import {
  array,
  boolean,
  type infer as Infer,
  int,
  maxLength,
  nonnegative,
  nullable,
  object,
  regex,
  string,
} from 'zod/mini';

/** Ids and names are clipped to this many characters: a hostile configuration cannot grow an item. */
export const MAX_ID_LENGTH = 1_024;

export const clipId = (value: string): string =>
  value.length > MAX_ID_LENGTH ? value.slice(0, MAX_ID_LENGTH) : value;

const id = string().check(maxLength(MAX_ID_LENGTH));
const count = int().check(nonnegative());

export const tableNameSchema = object({ schema: id, table: id });

export const tableColumnSchema = object({
  /** Source column name, as the schema configuration keys it. */
  name: id,
  destination_name: id,
  enabled: boolean(),
  hashed: boolean(),
  is_primary_key: boolean(),
});

/**
 * One source table of one connection, where it lands, and what is replicated: the stored table item's body
 * (the store adds its keys). One item per table, so a connection with 10,000 tables pages.
 */
export const destinationTableSchema = object({
  /** SHA-256 (hex) of the connection id and the full source names: fixed length, safe as a sort key. */
  table_id: string().check(regex(/^[0-9a-f]{64}$/)),
  connection_id: id,
  group_id: nullable(id),
  service: nullable(id),
  source: tableNameSchema,
  destination: tableNameSchema,
  /** True when a destination name was not in the configuration and was derived (see destination-naming). */
  destination_derived: boolean(),
  /** Replicated: the table and its schema both enabled. */
  enabled: boolean(),
  sync_mode: nullable(id),
  /** The columns the configuration lists (Fivetran lists those a user configured), or null when none. */
  columns: nullable(array(tableColumnSchema)),
  /** Columns the configuration listed, and how many of them were left out of `columns` by the bound. */
  columns_total: count,
  columns_omitted: count,
});

export type TableName = Infer<typeof tableNameSchema>;
export type TableColumn = Infer<typeof tableColumnSchema>;
export type DestinationTable = Infer<typeof destinationTableSchema>;

/** What the API reads beside a table: its connection's freshness and health. */
export interface TableConnectionFacts {
  readonly last_success_at: string | null;
  readonly health: string | null;
}

/** A row of `GET /api/tables`. */
export const tableViewSchema = object({
  connection_id: id,
  group_id: nullable(id),
  service: nullable(id),
  source: tableNameSchema,
  destination: tableNameSchema,
  enabled: boolean(),
  sync_mode: nullable(id),
  columns: nullable(array(tableColumnSchema)),
  columns_total: count,
  columns_omitted: count,
  last_success_at: nullable(string()),
  health: nullable(string()),
});

export type TableView = Infer<typeof tableViewSchema>;

export function toTableView(table: DestinationTable, connection: TableConnectionFacts | null): TableView {
  return {
    connection_id: table.connection_id,
    group_id: table.group_id,
    service: table.service,
    source: table.source,
    destination: table.destination,
    enabled: table.enabled,
    sync_mode: table.sync_mode,
    columns: table.columns,
    columns_total: table.columns_total,
    columns_omitted: table.columns_omitted,
    last_success_at: connection?.last_success_at ?? null,
    health: connection?.health ?? null,
  };
}

/** Identity of a source table: the same across sweeps, whatever its destination name or flags. */
export function tableIdOf(connectionId: string, sourceSchema: string, sourceTable: string): string {
  return createHash('sha256')
    .update(JSON.stringify([connectionId, sourceSchema, sourceTable]))
    .digest('hex');
}

export interface TableFilter {
  readonly connection_id?: string;
  readonly schema?: string;
  readonly table?: string;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * `GET /api/tables` filters: `schema` and `table` match the destination name (what a person queries, e.g.
 * `stripe.charge`) or the source name, case-insensitively (Snowflake shows upper case, Fivetran lower).
 */
export function matchesTableFilter(table: DestinationTable, filter: TableFilter): boolean {
  if (filter.connection_id !== undefined && table.connection_id !== filter.connection_id) return false;
  if (
    filter.schema !== undefined &&
    !same(table.destination.schema, filter.schema) &&
    !same(table.source.schema, filter.schema)
  )
    return false;
  if (
    filter.table !== undefined &&
    !same(table.destination.table, filter.table) &&
    !same(table.source.table, filter.table)
  )
    return false;
  return true;
}
