import type * as z from 'zod';
import type { columnConfigSchema, SchemaConfig } from '../fivetran/schemas.ts';
import {
  fallbackDestinationSchema,
  fallbackDestinationTable,
  type NamingContext,
} from './destination-naming.ts';
import { clipId, type DestinationTable, type TableColumn, tableIdOf } from './table-item.ts';

/** The connection a schema configuration belongs to, as far as it is known. */
export interface TableSourceConnection {
  readonly id: string;
  /** The connection's `schema`: its name, and the destination schema (or prefix, for databases). */
  readonly schema: string;
  readonly service: string | null;
  readonly group_id: string | null;
}

export interface TableLimits {
  /** Tables listed per connection; the rest are counted in `tables_omitted`. */
  readonly maxTables: number;
  /** Columns listed per table; the rest are counted in `columns_omitted`. */
  readonly maxColumnsPerTable: number;
  /** Approximate JSON bytes of one table's column list: with the names, keeps an item below 400 KB. */
  readonly maxColumnBytes: number;
}

export const DEFAULT_TABLE_LIMITS: TableLimits = {
  maxTables: 20_000,
  maxColumnsPerTable: 1_000,
  maxColumnBytes: 200_000,
};

/** Every table of one connection, sorted by source schema then table (code unit order). */
export interface DestinationTableSet {
  readonly connection_id: string;
  readonly tables: readonly DestinationTable[];
  /** Tables the configuration listed; `tables_omitted` of them (the last in order) are not in `tables`. */
  readonly tables_total: number;
  readonly tables_omitted: number;
}

const byKey = <T>([a]: [string, T], [b]: [string, T]) => (a < b ? -1 : a > b ? 1 : 0);

/** JSON overhead of one column entry (keys, quotes, booleans). */
const COLUMN_OVERHEAD = 96;

type ColumnMap = Readonly<Record<string, z.infer<typeof columnConfigSchema>>>;

function listColumns(columns: ColumnMap, limits: TableLimits) {
  const entries = Object.entries(columns).sort(byKey);
  const listed: TableColumn[] = [];
  let bytes = 0;
  for (const [name, column] of entries) {
    const entry: TableColumn = {
      name: clipId(name),
      destination_name: clipId(column.name_in_destination || name),
      enabled: column.enabled === true,
      hashed: column.hashed === true,
      is_primary_key: column.is_primary_key === true,
    };
    const size = COLUMN_OVERHEAD + Buffer.byteLength(entry.name) + Buffer.byteLength(entry.destination_name);
    // Stop at the first column that does not fit (never skip one): what is listed is always a sorted prefix,
    // so a comparison knows exactly which names it can speak for.
    if (listed.length >= limits.maxColumnsPerTable || bytes + size > limits.maxColumnBytes) break;
    listed.push(entry);
    bytes += size;
  }
  return { listed, total: entries.length };
}

/**
 * One record per source table of a connection: where it lands (`name_in_destination`, else Fivetran's
 * documented naming, flagged `destination_derived`), whether it is replicated, its sync mode and the
 * columns the configuration lists. Bounded by `limits`, with counts of what was left out.
 */
export function deriveDestinationTables(
  connection: TableSourceConnection,
  config: SchemaConfig,
  limits: TableLimits = DEFAULT_TABLE_LIMITS,
): DestinationTableSet {
  const schemas = Object.entries(config.schemas ?? {}).sort(byKey);
  const context: NamingContext = {
    connectionSchema: connection.schema,
    service: connection.service,
    sourceSchemaCount: schemas.length,
  };
  const tables: DestinationTable[] = [];
  let total = 0;
  for (const [schemaName, schema] of schemas) {
    const entries = Object.entries(schema.tables ?? {}).sort(byKey);
    total += entries.length;
    if (tables.length >= limits.maxTables) continue;
    const destinationSchema = schema.name_in_destination || fallbackDestinationSchema(context, schemaName);
    for (const [tableName, table] of entries) {
      if (tables.length >= limits.maxTables) break;
      const destinationTable =
        table.name_in_destination || fallbackDestinationTable(context, tableName, entries.length);
      const columns = table.columns ? listColumns(table.columns, limits) : null;
      tables.push({
        table_id: tableIdOf(connection.id, schemaName, tableName),
        connection_id: clipId(connection.id),
        group_id: connection.group_id === null ? null : clipId(connection.group_id),
        service: connection.service === null ? null : clipId(connection.service),
        source: { schema: clipId(schemaName), table: clipId(tableName) },
        destination: { schema: clipId(destinationSchema), table: clipId(destinationTable) },
        destination_derived: !schema.name_in_destination || !table.name_in_destination,
        // A table in a disabled schema is not replicated, whatever its own flag says (as the summary counts).
        enabled: schema.enabled === true && table.enabled === true,
        sync_mode: table.sync_mode ? clipId(table.sync_mode) : null,
        columns: columns?.listed ?? null,
        columns_total: columns?.total ?? 0,
        columns_omitted: columns ? columns.total - columns.listed.length : 0,
      });
    }
  }
  return {
    connection_id: clipId(connection.id),
    tables,
    tables_total: total,
    tables_omitted: total - tables.length,
  };
}

/**
 * A table set rebuilt from stored table items (any order), for comparing the next sweep's set with it.
 * `tablesOmitted` is what the stored set left out (kept beside the items, e.g. on the schema summary).
 */
export function tableSetFromItems(
  connectionId: string,
  items: readonly DestinationTable[],
  tablesOmitted = 0,
): DestinationTableSet {
  const key = (table: DestinationTable) => [table.source.schema, table.source.table] as const;
  const tables = [...items].sort((a, b) => {
    const [as, at] = key(a);
    const [bs, bt] = key(b);
    return as < bs ? -1 : as > bs ? 1 : at < bt ? -1 : at > bt ? 1 : 0;
  });
  return {
    connection_id: connectionId,
    tables,
    tables_total: tables.length + tablesOmitted,
    tables_omitted: tablesOmitted,
  };
}
