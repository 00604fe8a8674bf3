import * as z from 'zod';
import type { DestinationTableSet } from './destination-tables.ts';
import { type DestinationTable, MAX_ID_LENGTH, type TableColumn } from './table-item.ts';

export const SCHEMA_CHANGE_KINDS = [
  'table_appeared',
  'table_disappeared',
  'table_enabled',
  'table_disabled',
  'table_sync_mode_changed',
  'column_appeared',
  'column_disappeared',
  'column_enabled',
  'column_disabled',
  'column_hashing_changed',
] as const;

export type SchemaChangeKind = (typeof SCHEMA_CHANGE_KINDS)[number];

const id = z.string().max(MAX_ID_LENGTH);
const flag = z.union([z.boolean(), id, z.null()]);

/** One change, named by source schema/table/column (the names the schema configuration keys). */
export const schemaChangeSchema = z.object({
  kind: z.enum(SCHEMA_CHANGE_KINDS),
  schema: id,
  table: id,
  column: id.optional(),
  /** `enabled` for appear/disappear/enable/disable, `hashed` or `sync_mode` for the other kinds. */
  before: flag.optional(),
  after: flag.optional(),
});

export type SchemaChange = z.infer<typeof schemaChangeSchema>;

export const MAX_CHANGES = 500;
/** Approximate JSON bytes of a record's change list: the stored record stays well below 400 KB. */
export const MAX_CHANGE_BYTES = 300_000;
const CHANGE_OVERHEAD = 96;

/** What one sweep saw change in one connection's configuration: one stored record per comparison. */
export const schemaChangeRecordSchema = z.object({
  connection_id: id,
  /** The sweep that saw the change (null when a webhook-triggered fetch did). */
  sweep_id: id.nullable(),
  seen_at: z.iso.datetime({ offset: true }),
  changes: z.array(schemaChangeSchema).max(MAX_CHANGES),
  /** Changes found beyond the bound, counted but not listed. */
  changes_omitted: z.number().int().nonnegative(),
});

export type SchemaChangeRecord = z.infer<typeof schemaChangeRecordSchema>;

export interface SchemaDiff {
  readonly changes: readonly SchemaChange[];
  readonly changes_omitted: number;
}

type Key = readonly string[];

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * The last key either side can speak for. A bounded list is a sorted prefix, so past its last entry an
 * absence means "not listed", not "gone": appear/disappear is reported only up to this key.
 */
function boundaryOf(sides: readonly { keys: readonly Key[]; omitted: number }[]): Key | null {
  let boundary: Key | null = null;
  for (const side of sides) {
    if (side.omitted === 0) continue;
    const last = side.keys.at(-1) ?? [];
    if (boundary === null || compareKeys(last, boundary) < 0) boundary = last;
  }
  return boundary;
}

const within = (key: Key, boundary: Key | null) => boundary === null || compareKeys(key, boundary) <= 0;

class ChangeList {
  readonly changes: SchemaChange[] = [];
  omitted = 0;
  private bytes = 0;

  add(change: SchemaChange): void {
    const size = CHANGE_OVERHEAD + JSON.stringify(change).length;
    if (this.changes.length >= MAX_CHANGES || this.bytes + size > MAX_CHANGE_BYTES) {
      this.omitted++;
      return;
    }
    this.changes.push(change);
    this.bytes += size;
  }
}

const tableKey = (table: DestinationTable): Key => [table.source.schema, table.source.table];

/** Both sides' entries in key order, paired by identity (`idOf`) where the same entry is on both. */
function merge<T>(
  before: readonly T[],
  after: readonly T[],
  keyOf: (item: T) => Key,
  idOf: (item: T) => string,
) {
  const pairs = new Map<string, { key: Key; before?: T; after?: T }>();
  for (const item of before) pairs.set(idOf(item), { key: keyOf(item), before: item });
  for (const item of after)
    pairs.set(idOf(item), { key: keyOf(item), ...pairs.get(idOf(item)), after: item });
  return [...pairs.values()].sort((a, b) => compareKeys(a.key, b.key));
}

function diffColumns(before: DestinationTable, after: DestinationTable, out: ChangeList): void {
  const { schema, table } = after.source;
  // A table whose configuration lists no columns is compared as listing none.
  const previous = before.columns ?? [];
  const next = after.columns ?? [];
  const keyOf = (column: TableColumn): Key => [column.name];
  const boundary = boundaryOf([
    { keys: previous.map(keyOf), omitted: before.columns_omitted },
    { keys: next.map(keyOf), omitted: after.columns_omitted },
  ]);
  for (const pair of merge(previous, next, keyOf, (column) => column.name)) {
    const column = pair.key[0] as string;
    if (pair.before && pair.after) {
      if (pair.before.enabled !== pair.after.enabled) {
        const kind = pair.after.enabled ? 'column_enabled' : 'column_disabled';
        out.add({ kind, schema, table, column, before: pair.before.enabled, after: pair.after.enabled });
      }
      if (pair.before.hashed !== pair.after.hashed) {
        const { hashed: was } = pair.before;
        out.add({
          kind: 'column_hashing_changed',
          schema,
          table,
          column,
          before: was,
          after: pair.after.hashed,
        });
      }
    } else if (within(pair.key, boundary)) {
      if (pair.after) out.add({ kind: 'column_appeared', schema, table, column, after: pair.after.enabled });
      else if (pair.before)
        out.add({ kind: 'column_disappeared', schema, table, column, before: pair.before.enabled });
    }
  }
}

/**
 * What changed between two table sets of one connection: tables and columns that appeared, disappeared,
 * were enabled or disabled, changed sync mode or hashing. No previous set means a first look: nothing is
 * reported (every table would otherwise "appear"). Bounded by MAX_CHANGES / MAX_CHANGE_BYTES, with a count.
 */
export function diffTableSets(previous: DestinationTableSet | null, next: DestinationTableSet): SchemaDiff {
  const out = new ChangeList();
  if (previous === null) return { changes: [], changes_omitted: 0 };
  const boundary = boundaryOf([
    { keys: previous.tables.map(tableKey), omitted: previous.tables_omitted },
    { keys: next.tables.map(tableKey), omitted: next.tables_omitted },
  ]);
  // Paired by table_id (the full source names' hash): two long names clipped alike stay two tables.
  for (const pair of merge(previous.tables, next.tables, tableKey, (table) => table.table_id)) {
    const [schema, table] = pair.key as [string, string];
    const { before, after } = pair;
    if (before && after) {
      if (before.enabled !== after.enabled) {
        const kind = after.enabled ? 'table_enabled' : 'table_disabled';
        out.add({ kind, schema, table, before: before.enabled, after: after.enabled });
      }
      if (before.sync_mode !== after.sync_mode) {
        out.add({
          kind: 'table_sync_mode_changed',
          schema,
          table,
          before: before.sync_mode,
          after: after.sync_mode,
        });
      }
      diffColumns(before, after, out);
    } else if (within(pair.key, boundary)) {
      if (after) out.add({ kind: 'table_appeared', schema, table, after: after.enabled });
      else if (before) out.add({ kind: 'table_disappeared', schema, table, before: before.enabled });
    }
  }
  return { changes: out.changes, changes_omitted: out.omitted };
}

/** The stored record of one comparison, or null when nothing changed (nothing to store). */
export function schemaChangeRecord(
  at: { readonly connection_id: string; readonly sweep_id: string | null; readonly seen_at: string },
  diff: SchemaDiff,
): SchemaChangeRecord | null {
  if (diff.changes.length === 0 && diff.changes_omitted === 0) return null;
  return { ...at, changes: [...diff.changes], changes_omitted: diff.changes_omitted };
}
