import type { SchemaConfig } from '../fivetran/schemas.ts';

/** One enabled source schema: its enabled tables and their sync mode. */
export interface SchemaSelection {
  readonly name: string;
  readonly name_in_destination: string | null;
  readonly tables_enabled: number;
  readonly tables_total: number;
  /** Enabled tables as `{name, sync_mode}`; cut short (see `truncated`) for a very large selection. */
  readonly tables: readonly { readonly name: string; readonly sync_mode: string | null }[];
}

/**
 * What a connection replicates, compact enough for one DynamoDB item (400 KB): counts, and per enabled
 * schema its enabled tables with their sync mode. Column counts cover only the columns Fivetran lists (it
 * lists those a user configured), so they are "where given".
 */
export interface SchemaSummary {
  readonly enable_new_by_default: boolean | null;
  readonly schema_change_handling: string | null;
  readonly schemas_enabled: number;
  readonly schemas_total: number;
  readonly tables_enabled: number;
  readonly tables_total: number;
  readonly columns_enabled: number;
  readonly columns_given: number;
  readonly schemas: readonly SchemaSelection[];
  /** True when the table lists were cut to stay within the item limit (the counts are still complete). */
  readonly truncated: boolean;
}

/**
 * Listed schema and table names stop at about this many bytes (counts go on): with the counts and keys the
 * item stays well below DynamoDB's 400 KB limit whatever the names' lengths.
 */
export const MAX_LISTED_BYTES = 300_000;
const MAX_NAME = 256;
/** JSON overhead of one listed entry (`{"name":"","sync_mode":""},` and the like). */
const ENTRY_OVERHEAD = 32;

/** Approximate JSON bytes of the listed strings (names are clipped to 256 characters, UTF-8 ≤ 4 bytes each). */
const sizeOf = (...texts: (string | null)[]) =>
  ENTRY_OVERHEAD + texts.reduce((n, text) => n + (text === null ? 4 : Buffer.byteLength(text)), 0);

const clip = (name: string): string => (name.length > MAX_NAME ? name.slice(0, MAX_NAME) : name);

export function summarizeSchemaConfig(config: SchemaConfig): SchemaSummary {
  let schemasEnabled = 0;
  let tablesEnabled = 0;
  let tablesTotal = 0;
  let columnsEnabled = 0;
  let columnsGiven = 0;
  let listedBytes = 0;
  let truncated = false;
  const schemas: SchemaSelection[] = [];
  const entries = Object.entries(config.schemas ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, schema] of entries) {
    const tables = Object.entries(schema.tables ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    tablesTotal += tables.length;
    const schemaEnabled = schema.enabled === true;
    if (schemaEnabled) schemasEnabled++;
    const enabledTables: { name: string; sync_mode: string | null }[] = [];
    let schemaTablesEnabled = 0;
    for (const [tableName, table] of tables) {
      // A table in a disabled schema is not replicated, whatever its own flag says.
      const enabled = schemaEnabled && table.enabled === true;
      for (const column of Object.values(table.columns ?? {})) {
        columnsGiven++;
        if (enabled && column.enabled === true) columnsEnabled++;
      }
      if (!enabled) continue;
      schemaTablesEnabled++;
      const entry = { name: clip(tableName), sync_mode: table.sync_mode ?? null };
      const bytes = sizeOf(entry.name, entry.sync_mode);
      if (listedBytes + bytes <= MAX_LISTED_BYTES) {
        enabledTables.push(entry);
        listedBytes += bytes;
      } else {
        truncated = true;
      }
    }
    tablesEnabled += schemaTablesEnabled;
    if (!schemaEnabled) continue;
    const schemaName = clip(name);
    const nameInDestination = schema.name_in_destination ? clip(schema.name_in_destination) : null;
    const bytes = sizeOf(schemaName, nameInDestination);
    if (listedBytes + bytes > MAX_LISTED_BYTES) {
      truncated = true;
      continue;
    }
    listedBytes += bytes;
    schemas.push({
      name: schemaName,
      name_in_destination: nameInDestination,
      tables_enabled: schemaTablesEnabled,
      tables_total: tables.length,
      tables: enabledTables,
    });
  }
  return {
    enable_new_by_default: config.enable_new_by_default ?? null,
    schema_change_handling: config.schema_change_handling ?? null,
    schemas_enabled: schemasEnabled,
    schemas_total: entries.length,
    tables_enabled: tablesEnabled,
    tables_total: tablesTotal,
    columns_enabled: columnsEnabled,
    columns_given: columnsGiven,
    schemas,
    truncated,
  };
}
