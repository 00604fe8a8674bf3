import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SchemaConfig, schemaConfigSchema } from '#commons/fivetran/schemas';
import type { TableRepository } from '#commons/store/repositories/tables';
import { CursorError } from '#commons/store/table/cursor';
import { type DestinationTableSet, deriveDestinationTables } from '#commons/tables/destination-tables';
import { type StoreFixture, startStoreFixture } from '../support/store-fixture.ts';
import {
  postgresConfig,
  postgresConnection,
  stripeConfig,
  stripeConnection,
} from '../tables/table-fixtures.ts';

const derive = (connection: typeof stripeConnection, config: SchemaConfig) =>
  deriveDestinationTables(connection, schemaConfigSchema.parse(config));

/** A connection with `count` tables in one schema (a large database source). */
function wideSet(count: number): DestinationTableSet {
  const tables: Record<string, { name_in_destination: string; enabled: boolean; sync_mode: string }> = {};
  for (let i = 0; i < count; i++) {
    const name = `t_${String(i).padStart(5, '0')}`;
    tables[name] = { name_in_destination: name, enabled: i % 10 !== 0, sync_mode: 'SOFT_DELETE' };
  }
  return derive(
    { id: 'wide_pg', schema: 'wide', service: 'postgres', group_id: 'g' },
    { schemas: { public: { name_in_destination: 'wide_public', enabled: true, tables } } },
  );
}

async function listAll(
  tables: TableRepository,
  filter: Parameters<TableRepository['list']>[0],
  limit: number,
) {
  const items = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await tables.list(filter, { limit, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null && pages < 100);
  return { items, pages };
}

describe('destination tables in the store', () => {
  let fx: StoreFixture;
  beforeAll(async () => {
    fx = await startStoreFixture();
  });
  afterAll(() => fx.close());

  it('keeps one item per table: a connection with 10,000 tables pages, and reads back the same set', async () => {
    // Prepare
    const set = wideSet(10_000);

    // Act
    const written = await fx.repositories.tables.saveSet(null, set);
    const { items, pages } = await listAll(fx.repositories.tables, { connection_id: 'wide_pg' }, 1000);
    const back = await fx.repositories.tables.readSet('wide_pg');
    const enabled = await fx.repositories.tables.readEnabled('wide_pg', 2);

    // Assess
    expect(written).toBe(10_001);
    // Ten full pages (an eleventh, empty one when the last full page ends exactly at the partition's end).
    expect(pages).toBeGreaterThanOrEqual(10);
    expect(items.map((t) => t.source.table)).toEqual(set.tables.map((t) => t.source.table));
    expect(back).toEqual(set);
    // Two queries of at most 1 MB each: bounded, whatever the connection's size.
    expect(enabled.complete).toBe(false);
    expect(enabled.tables.length).toBeGreaterThan(0);
    expect(enabled.tables.every((t) => t.enabled)).toBe(true);
  }, 120_000);

  it('writes only what changed, and deletes the tables a configuration no longer lists', async () => {
    // Prepare
    const first = derive(stripeConnection, stripeConfig());
    await fx.repositories.tables.saveSet(null, first);
    const changed = stripeConfig();
    const stripe = changed.schemas?.stripe;
    if (!stripe?.tables?.charge) throw new Error('fixture');
    stripe.tables.charge.enabled = false;
    const [dropped] = Object.keys(stripe.tables).filter((name) => name !== 'charge');
    delete stripe.tables[dropped as string];
    const next = derive(stripeConnection, changed);

    // Act
    const unchanged = await fx.repositories.tables.saveSet(first, first);
    const written = await fx.repositories.tables.saveSet(first, next);
    const back = await fx.repositories.tables.readSet(stripeConnection.id);

    // Assess
    expect(unchanged).toBe(0);
    // The disabled table, the dropped one, and the set's record.
    expect(written).toBe(3);
    expect(back?.tables.map((t) => [t.source.table, t.enabled])).toEqual(
      next.tables.map((t) => [t.source.table, t.enabled]),
    );
  });

  it('finds who feeds a table by destination name, source name or schema, case-insensitively', async () => {
    // Prepare: postgres' `Notes`-style renames: a table whose source and destination names differ.
    const config = postgresConfig();
    const orders = config.schemas?.public?.tables?.orders;
    if (!orders) throw new Error('fixture');
    orders.name_in_destination = 'shop_orders';
    await fx.repositories.tables.saveSet(null, derive(postgresConnection, config));

    // Act
    const byDestination = await fx.repositories.tables.list(
      { schema: 'SHOP_PG_PUBLIC', table: 'Shop_Orders' },
      { limit: 10, cursor: null },
    );
    const bySource = await fx.repositories.tables.list({ table: 'ORDERS' }, { limit: 10, cursor: null });
    const bySchema = await listAll(fx.repositories.tables, { schema: 'STAGING' }, 2);
    const wrongSchema = await fx.repositories.tables.list(
      { schema: 'stripe', table: 'orders' },
      { limit: 10, cursor: null },
    );

    // Assess
    expect(byDestination.items.map((t) => [t.connection_id, t.destination.table])).toEqual([
      [postgresConnection.id, 'shop_orders'],
    ]);
    expect(bySource.items.map((t) => t.connection_id)).toEqual([postgresConnection.id]);
    expect(bySchema.items.map((t) => [t.source.table, t.destination.schema])).toEqual([
      ['imports', 'shop_pg_staging'],
    ]);
    expect(wrongSchema.items).toEqual([]);
  });

  it('refuses a cursor minted for other filters', async () => {
    // Prepare
    const page = await fx.repositories.tables.list({ connection_id: 'wide_pg' }, { limit: 5, cursor: null });

    // Act / Assess
    await expect(
      fx.repositories.tables.list({ connection_id: 'other' }, { limit: 5, cursor: page.nextCursor }),
    ).rejects.toBeInstanceOf(CursorError);
  });
});
