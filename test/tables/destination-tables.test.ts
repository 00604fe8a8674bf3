import { describe, expect, it } from 'vitest';
import { schemaConfigSchema } from '#commons/fivetran/schemas';
import { fallbackDestinationSchema, isDatabaseService } from '#commons/tables/destination-naming';
import { deriveDestinationTables, tableSetFromItems } from '#commons/tables/destination-tables';
import {
  destinationTableSchema,
  matchesTableFilter,
  tableViewSchema,
  toTableView,
} from '#commons/tables/table-item';
import { postgresConfig, postgresConnection, stripeConfig, stripeConnection } from './table-fixtures.ts';

describe('destination tables from a schema configuration', () => {
  it('lists one record per source table with its destination, flags and columns', () => {
    // Prepare
    const config = schemaConfigSchema.parse(postgresConfig());

    // Act
    const set = deriveDestinationTables(postgresConnection, config);

    // Assess
    expect(set.tables_total).toBe(3);
    expect(set.tables_omitted).toBe(0);
    expect(set.tables.map((t) => `${t.source.schema}.${t.source.table}`)).toEqual([
      'public.audit_log',
      'public.orders',
      'staging.imports',
    ]);
    const orders = set.tables[1];
    expect(orders?.destination).toEqual({ schema: 'shop_pg_public', table: 'orders' });
    expect(orders?.enabled).toBe(true);
    expect(orders?.sync_mode).toBe('SOFT_DELETE');
    expect(orders?.columns).toEqual([
      { name: 'Notes', destination_name: 'notes', enabled: false, hashed: false, is_primary_key: false },
      { name: 'email', destination_name: 'email', enabled: true, hashed: true, is_primary_key: false },
      { name: 'id', destination_name: 'id', enabled: true, hashed: false, is_primary_key: true },
    ]);
    expect(set.tables[0]?.columns).toBeNull();
    // The table's own flag is on, but its schema is disabled: not replicated.
    expect(set.tables[2]?.enabled).toBe(false);
    for (const table of set.tables) expect(() => destinationTableSchema.parse(table)).not.toThrow();
  });

  it('names a SaaS table in the connection schema itself', () => {
    // Act
    const set = deriveDestinationTables(stripeConnection, schemaConfigSchema.parse(stripeConfig()));

    // Assess
    const charge = set.tables.find((t) => t.source.table === 'charge');
    expect(charge?.destination).toEqual({ schema: 'stripe', table: 'charge' });
    expect(charge?.destination_derived).toBe(false);
  });

  it('derives missing destination names by connector family and says so', () => {
    // Prepare: the same shapes with every name_in_destination removed.
    const db = schemaConfigSchema.parse({
      schemas: { sales: { enabled: true, tables: { deals: { enabled: true } } } },
    });
    const sheet = schemaConfigSchema.parse({
      schemas: { sheet_schema: { enabled: true, tables: { sheet1: { enabled: true } } } },
    });

    // Act
    const fromDb = deriveDestinationTables(postgresConnection, db).tables[0];
    const fromSaas = deriveDestinationTables(stripeConnection, db).tables[0];
    const fromSheet = deriveDestinationTables(
      { id: 'c', schema: 'gsheets.budget_2026', service: 'google_sheets', group_id: null },
      sheet,
    ).tables[0];

    // Assess
    expect(fromDb?.destination).toEqual({ schema: 'shop_pg_sales', table: 'deals' });
    expect(fromSaas?.destination).toEqual({ schema: 'stripe', table: 'deals' });
    expect(fromSheet?.destination).toEqual({ schema: 'gsheets', table: 'budget_2026' });
    expect(fromDb?.destination_derived).toBe(true);
  });

  it('treats more than one source schema as a database connector even for an unknown service', () => {
    // Prepare
    const context = { connectionSchema: 'erp', service: 'brand_new_db', sourceSchemaCount: 2 };

    // Act / Assess
    expect(fallbackDestinationSchema(context, 'finance')).toBe('erp_finance');
    expect(isDatabaseService('sql_server_rds')).toBe(true);
    expect(isDatabaseService('oracle_fusion_cloud_apps_crm')).toBe(false);
    expect(isDatabaseService('salesforce')).toBe(false);
  });

  it('bounds a hostile configuration: tables, columns and name lengths, with counts kept', () => {
    // Prepare: 300 tables of 50 columns with 5,000-character names.
    const long = 'x'.repeat(5_000);
    const columns = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`${long}${i}`, { enabled: true, name_in_destination: long }]),
    );
    const tables = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`t${String(i).padStart(3, '0')}`, { enabled: true, columns }]),
    );
    const config = schemaConfigSchema.parse({ schemas: { [long]: { enabled: true, tables } } });

    // Act
    const set = deriveDestinationTables({ ...postgresConnection, id: long }, config, {
      maxTables: 100,
      maxColumnsPerTable: 40,
      maxColumnBytes: 30_000,
    });

    // Assess
    expect(set.tables).toHaveLength(100);
    expect(set.tables_total).toBe(300);
    expect(set.tables_omitted).toBe(200);
    expect(set.tables.at(-1)?.source.table).toBe('t099');
    const first = set.tables[0];
    expect(first?.connection_id).toHaveLength(1_024);
    expect(first?.source.schema).toHaveLength(1_024);
    expect(first?.columns?.length).toBeLessThan(40);
    expect((first?.columns?.length ?? 0) + (first?.columns_omitted ?? 0)).toBe(50);
    expect(JSON.stringify(first).length).toBeLessThan(60_000);
    expect(() => destinationTableSchema.parse(first)).not.toThrow();
  });

  it('keeps one stored item well below 400 KB with the default bounds, whatever the names', () => {
    // Prepare: one table with 5,000 columns of 1,000-character names.
    const columns = Object.fromEntries(
      Array.from({ length: 5_000 }, (_, i) => [`${'c'.repeat(1_000)}${i}`, { enabled: true }]),
    );
    const config = schemaConfigSchema.parse({
      schemas: { s: { enabled: true, tables: { t: { columns } } } },
    });

    // Act
    const [table] = deriveDestinationTables(postgresConnection, config).tables;

    // Assess
    expect(Buffer.byteLength(JSON.stringify(table))).toBeLessThan(300_000);
    expect(table?.columns_total).toBe(5_000);
    expect(table?.columns_omitted).toBeGreaterThan(0);
  });

  it('gives the API row the connection freshness, and filters by destination or source name', () => {
    // Prepare
    const set = deriveDestinationTables(stripeConnection, schemaConfigSchema.parse(stripeConfig()));
    const charge = set.tables.find((t) => t.source.table === 'charge');
    if (!charge) throw new Error('fixture has a charge table');

    // Act
    const view = toTableView(charge, { last_success_at: '2026-05-01T10:00:00.000Z', health: 'healthy' });

    // Assess
    expect(tableViewSchema.parse(view)).toMatchObject({
      connection_id: 'wobbly_lantern',
      destination: { schema: 'stripe', table: 'charge' },
      last_success_at: '2026-05-01T10:00:00.000Z',
      health: 'healthy',
    });
    expect(set.tables.filter((t) => matchesTableFilter(t, { schema: 'STRIPE', table: 'charge' }))).toEqual([
      charge,
    ]);
    expect(set.tables.filter((t) => matchesTableFilter(t, { connection_id: 'other' }))).toEqual([]);
  });

  it('rebuilds a sorted set from stored items in any order', () => {
    // Prepare
    const set = deriveDestinationTables(postgresConnection, schemaConfigSchema.parse(postgresConfig()));

    // Act
    const rebuilt = tableSetFromItems(postgresConnection.id, [...set.tables].reverse());

    // Assess
    expect(rebuilt).toEqual(set);
  });
});
