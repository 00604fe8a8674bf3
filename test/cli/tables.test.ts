import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schemaConfigSchema } from '#commons/fivetran/schemas';
import { deriveDestinationTables } from '#commons/tables/destination-tables';
import { parseTableName, tables } from '../../functions/cli/commands/tables.ts';
import { runCli } from '../../functions/cli/main.ts';
import {
  capture,
  connection,
  type ReadFixture,
  saveConnections,
  startReadFixture,
} from '../support/http-fixture.ts';
import { stripeConfig } from '../tables/table-fixtures.ts';

describe('fivetran-metadata tables', () => {
  let fx: ReadFixture;
  let env: Record<string, string>;

  beforeAll(async () => {
    fx = await startReadFixture({ apiToken: 'tok', mode: 'live' });
    const live = {
      ...connection('stripe_live', { service: 'stripe' }),
      schema: 'stripe',
      succeeded_at: '2026-06-01T00:00:00.000Z',
    };
    const broken = {
      ...connection('stripe_eu', { service: 'stripe', health: 'failing' }),
      schema: 'stripe_eu\u001b[2J',
    };
    await saveConnections(fx.writer, [live, broken]);
    for (const c of [live, broken]) {
      // Each lands in its own destination schema (the connection's), as Fivetran names it.
      const config = stripeConfig();
      const stripe = config.schemas?.stripe;
      if (stripe) stripe.name_in_destination = c.schema;
      await fx.repositories.tables.saveSet(
        null,
        deriveDestinationTables(
          { id: c.id, schema: c.schema as string, service: 'stripe', group_id: 'group_a' },
          schemaConfigSchema.parse(config),
        ),
      );
    }
    const { port } = new URL(fx.url);
    env = { HOST: '127.0.0.1', PORT: port, API_TOKEN: 'tok', DATA_DIR: '/nonexistent-fivetran-metadata' };
  });
  afterAll(() => fx.close());

  it('names the connection that feeds schema.table, with its health and last success', async () => {
    // Prepare
    const run = capture(env);

    // Act
    const code = await runCli(['tables', '--table', 'ANALYTICS.STRIPE.CHARGE'], run.io);

    // Assess
    expect(code).toBe(0);
    const lines = run.out().trim().split('\n');
    expect(lines[0]).toMatch(
      /^DESTINATION TABLE +CONNECTION +SERVICE +HEALTH +LAST SUCCESS +REPLICATED +SOURCE TABLE$/,
    );
    // The other Stripe connection's *source* table is stripe.charge too (names match either side), and the
    // destination column tells them apart.
    expect(lines.slice(1)).toHaveLength(2);
    expect(lines[2]).toMatch(/^stripe_eu.*\.charge +stripe_eu +stripe +failing .* stripe\.charge$/);
    expect(lines[1]).toMatch(
      /^stripe\.charge +stripe_live +stripe +healthy +\d+ d ago +yes +stripe\.charge$/,
    );
  });

  it('lists every feeder of a bare name as JSON, and keeps control characters off the terminal', async () => {
    // Prepare
    const asJson = capture(env);
    const asText = capture(env);

    // Act
    await tables(['--table', 'charge', '--json'], asJson.io);
    await tables(['--table', 'charge'], asText.io);

    // Assess
    const answer = JSON.parse(asJson.out());
    expect(answer.items.map((t: { connection_id: string }) => t.connection_id).sort()).toEqual([
      'stripe_eu',
      'stripe_live',
    ]);
    expect(answer.items.find((t: { connection_id: string }) => t.connection_id === 'stripe_eu').health).toBe(
      'failing',
    );
    expect([...asText.out()].some((char) => char === '\u001b')).toBe(false);
  });

  it('says when nothing writes the table, and refuses an empty name', async () => {
    // Prepare
    const none = capture(env);
    const empty = capture(env);

    // Act
    const found = await tables(['--table', 'nowhere.nothing'], none.io);
    const refused = await tables(['--table', ' . '], empty.io);

    // Assess
    expect(found).toBe(0);
    expect(none.out()).toBe('No connection writes a table named nowhere.nothing.\n');
    expect(refused).toBe(1);
    expect(empty.err()).toMatch(/--table needs a name/);
  });

  it('reads warehouse names the way a person pastes them', () => {
    expect(parseTableName('charge')).toEqual({ table: 'charge' });
    expect(parseTableName('"STRIPE"."CHARGE"')).toEqual({ schema: 'STRIPE', table: 'CHARGE' });
    expect(parseTableName('raw.stripe.charge')).toEqual({ schema: 'stripe', table: 'charge' });
  });
});
