import { describe, expect, it } from 'vitest';
import { type SchemaConfig, schemaConfigSchema } from '#commons/fivetran/schemas';
import { deriveDestinationTables } from '#commons/tables/destination-tables';
import {
  diffTableSets,
  MAX_CHANGES,
  schemaChangeRecord,
  schemaChangeRecordSchema,
} from '#commons/tables/schema-changes';
import { postgresConfig, postgresConnection } from './table-fixtures.ts';

const setOf = (config: SchemaConfig, limits?: Parameters<typeof deriveDestinationTables>[2]) =>
  deriveDestinationTables(postgresConnection, schemaConfigSchema.parse(config), limits);

function publicTables(config: SchemaConfig) {
  const tables = config.schemas?.public?.tables;
  if (!tables) throw new Error('fixture has public tables');
  return tables;
}

describe('schema changes between two table sets', () => {
  it('reports nothing on a first look, and nothing for an unchanged configuration', () => {
    // Act / Assess
    expect(diffTableSets(null, setOf(postgresConfig()))).toEqual({ changes: [], changes_omitted: 0 });
    expect(diffTableSets(setOf(postgresConfig()), setOf(postgresConfig())).changes).toEqual([]);
  });

  it('lists tables and columns that appeared, disappeared, were enabled, disabled or re-hashed', () => {
    // Prepare
    const next = postgresConfig();
    const tables = publicTables(next);
    const orders = tables.orders;
    if (!orders?.columns?.email || !orders.columns.id) throw new Error('fixture has orders columns');
    orders.enabled = false;
    orders.sync_mode = 'HISTORY';
    orders.columns.email.hashed = false;
    orders.columns.id.enabled = false;
    orders.columns.phone = { name_in_destination: 'phone', enabled: true };
    delete orders.columns.Notes;
    tables.refunds = { name_in_destination: 'refunds', enabled: true };
    delete tables.audit_log;

    // Act
    const { changes, changes_omitted } = diffTableSets(setOf(postgresConfig()), setOf(next));

    // Assess
    expect(changes_omitted).toBe(0);
    expect(changes).toEqual([
      { kind: 'table_disappeared', schema: 'public', table: 'audit_log', before: false },
      { kind: 'table_disabled', schema: 'public', table: 'orders', before: true, after: false },
      {
        kind: 'table_sync_mode_changed',
        schema: 'public',
        table: 'orders',
        before: 'SOFT_DELETE',
        after: 'HISTORY',
      },
      { kind: 'column_disappeared', schema: 'public', table: 'orders', column: 'Notes', before: false },
      {
        kind: 'column_hashing_changed',
        schema: 'public',
        table: 'orders',
        column: 'email',
        before: true,
        after: false,
      },
      {
        kind: 'column_disabled',
        schema: 'public',
        table: 'orders',
        column: 'id',
        before: true,
        after: false,
      },
      { kind: 'column_appeared', schema: 'public', table: 'orders', column: 'phone', after: true },
      { kind: 'table_appeared', schema: 'public', table: 'refunds', after: true },
    ]);
  });

  it('reports a whole schema being enabled as each of its tables being enabled', () => {
    // Prepare
    const next = postgresConfig();
    if (next.schemas?.staging) next.schemas.staging.enabled = true;

    // Act
    const { changes } = diffTableSets(setOf(postgresConfig()), setOf(next));

    // Assess
    expect(changes).toEqual([
      { kind: 'table_enabled', schema: 'staging', table: 'imports', before: false, after: true },
    ]);
  });

  it('never calls a table gone when it was only beyond the other side’s bound', () => {
    // Prepare: 10 tables; the new set is cut after 4, and table t07 was really disabled.
    const config = (disabled: string | null) => ({
      schemas: {
        s: {
          enabled: true,
          tables: Object.fromEntries(
            Array.from({ length: 10 }, (_, i) => [`t0${i}`, { enabled: `t0${i}` !== disabled }]),
          ),
        },
      },
    });
    const limits = { maxTables: 4, maxColumnsPerTable: 10, maxColumnBytes: 10_000 };

    // Act
    const diff = diffTableSets(setOf(config(null)), setOf(config('t07'), limits));
    const shrunk = diffTableSets(
      setOf(config(null)),
      setOf({ schemas: { s: { enabled: true, tables: {} } } }),
    );

    // Assess: nothing is said about t04..t09 (unknown), but a complete empty set does mean "gone".
    expect(diff.changes).toEqual([]);
    expect(shrunk.changes).toHaveLength(10);
    expect(shrunk.changes.every((c) => c.kind === 'table_disappeared')).toBe(true);
  });

  it('bounds a flood of changes and counts the rest; the stored record validates', () => {
    // Prepare: 2,000 tables appear at once.
    const tables = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`t${i}`, { enabled: true }]));
    const next = setOf({ schemas: { s: { enabled: true, tables } } });

    // Act
    const diff = diffTableSets(setOf({ schemas: {} }), next);
    const record = schemaChangeRecord(
      { connection_id: postgresConnection.id, sweep_id: 'sweep-1', seen_at: '2026-05-01T10:00:00.000Z' },
      diff,
    );

    // Assess
    expect(diff.changes).toHaveLength(MAX_CHANGES);
    expect(diff.changes_omitted).toBe(2_000 - MAX_CHANGES);
    expect(() => schemaChangeRecordSchema.parse(record)).not.toThrow();
    expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThan(350_000);
  });

  it('bounds the change list by bytes when the names are long', () => {
    // Prepare: 400 tables with 1,024-character names appear.
    const long = 'n'.repeat(1_100);
    const tables = Object.fromEntries(
      Array.from({ length: 400 }, (_, i) => [`${i}${long}`, { enabled: true }]),
    );
    const next = setOf({ schemas: { [long]: { enabled: true, tables } } });

    // Act
    const diff = diffTableSets(setOf({ schemas: {} }), next);

    // Assess
    expect(diff.changes.length).toBeLessThan(400);
    expect(diff.changes.length + diff.changes_omitted).toBe(400);
    expect(Buffer.byteLength(JSON.stringify(diff.changes))).toBeLessThan(350_000);
  });

  it('stores no record when nothing changed', () => {
    // Act
    const record = schemaChangeRecord(
      { connection_id: 'c', sweep_id: null, seen_at: '2026-05-01T10:00:00.000Z' },
      diffTableSets(setOf(postgresConfig()), setOf(postgresConfig())),
    );

    // Assess
    expect(record).toBeNull();
  });
});
