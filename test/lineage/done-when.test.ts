import { afterEach, describe, expect, it } from 'vitest';
import { deliverDue } from '#commons/lineage/deliverer';
import { parseOpenLineageConfig } from '#commons/lineage/openlineage-config';
import { type LineageAppFixture, startLineageAppFixture } from './lineage-app-fixture.ts';
import { startReceiver } from './lineage-receiver.ts';

/**
 * Issue 19's "Done when", end to end: the simulator as Fivetran, the product over HTTP on dynalite, its
 * webhook receiving the simulator's signed deliveries, and a local OpenLineage receiver checking each event
 * against the 2-0-2 schema.
 */
describe('which connection feeds which table (issue 19, done when)', () => {
  let fx: LineageAppFixture | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await fx?.close();
    await receiver?.close();
    fx = undefined;
    receiver = undefined;
  });

  it('answers "which connection feeds schema.table, and is it fresh?" in one request', async () => {
    // Prepare: one sweep reads every connection and its schema configuration.
    fx = await startLineageAppFixture();
    await fx.sweep();
    const everything = await fx.get('/api/tables?limit=1000');
    const target = everything.body.items.find(
      (row: { enabled: boolean; connection_id: string }) =>
        row.enabled && fx?.sim.account.connections.get(row.connection_id)?.succeeded_at,
    );
    const { schema, table } = target.destination;

    // Act: upper case, as a Snowflake user would type it.
    const answer = await fx.get(
      `/api/tables?schema=${encodeURIComponent(schema.toUpperCase())}&table=${encodeURIComponent(table.toUpperCase())}`,
    );

    // Assess
    const connection = await fx.repositories.connections.get(target.connection_id);
    expect(answer.status).toBe(200);
    const feeders = answer.body.items.filter(
      (row: { destination: { schema: string } }) => row.destination.schema === schema,
    );
    expect(feeders.map((row: { connection_id: string }) => row.connection_id)).toContain(
      target.connection_id,
    );
    const row = feeders.find((r: { connection_id: string }) => r.connection_id === target.connection_id);
    expect(row).toMatchObject({
      destination: { schema, table },
      enabled: true,
      health: connection?.health,
      last_success_at: connection?.succeeded_at,
    });
    expect(row.last_success_at).not.toBeNull();
    expect(
      answer.body.items.every((r: { destination: { table: string }; source: { table: string } }) =>
        [r.destination.table, r.source.table].some((name) => name.toLowerCase() === table.toLowerCase()),
      ),
    ).toBe(true);
  });

  it('shows a table disabled in Fivetran in the connection’s schema changes after the next sweep', async () => {
    // Prepare: a connection with an enabled table; the user disables it in Fivetran, which says so with
    // `edit_connector`.
    fx = await startLineageAppFixture();
    await fx.sweep();
    const [id, config] = [...fx.sim.account.schemas].find(([, c]) =>
      Object.values(c.schemas ?? {}).some(
        (s) => s.enabled && Object.values(s.tables ?? {}).some((t) => t.enabled),
      ),
    ) as [string, typeof fx.sim.account.schemas extends Map<string, infer C> ? C : never];
    const [schemaName, schema] = Object.entries(config.schemas ?? {}).find(([, s]) => s.enabled) as [
      string,
      { tables: Record<string, { enabled?: boolean | null }> },
    ];
    const [tableName, table] = Object.entries(schema.tables).find(([, t]) => t.enabled) as [
      string,
      { enabled?: boolean | null },
    ];
    table.enabled = false;
    const before = await fx.get(`/api/connections/${id}/schema-changes`);
    const edited = await fx.deliver(
      JSON.stringify({
        event: 'edit_connector',
        created: new Date(Date.now() + 1_000).toISOString(),
        connector_id: id,
        connector_type: fx.sim.account.connections.get(id)?.service,
        destination_group_id: fx.sim.account.connections.get(id)?.group_id,
      }),
    );

    // Act
    const record = await fx.sweep();
    const after = await fx.get(`/api/connections/${id}/schema-changes`);
    const tables = await fx.get(`/api/tables?connection_id=${id}&table=${encodeURIComponent(tableName)}`);

    // Assess
    expect(edited.status).toBe(200);
    expect(before.body.items).toEqual([]);
    expect(after.status).toBe(200);
    expect(after.body.items).toHaveLength(1);
    expect(after.body.items[0]).toMatchObject({
      connection_id: id,
      sweep_id: record.id,
      changes: [{ kind: 'table_disabled', schema: schemaName, table: tableName, before: true, after: false }],
      changes_omitted: 0,
    });
    expect(fx.notices.map((n) => n.connection.id)).toEqual([id]);
    expect(tables.body.items.map((t: { enabled: boolean }) => t.enabled)).toEqual([false]);
  });

  it('turns one sync into exactly one START and one COMPLETE, valid, and no more on redelivery', async () => {
    // Prepare: lineage on; a database source (its source tables are nameable inputs).
    receiver = await startReceiver();
    fx = await startLineageAppFixture({ openLineage: true });
    fx.registerWebhook();
    await fx.sweep();
    const postgres = [...fx.sim.account.connections.values()].find(
      (c) => c.service === 'postgres' && fx?.sim.account.schemas.has(c.id) && !c.paused,
    );
    if (!postgres) throw new Error('seed 19 has no postgres connection with a schema');
    const config = parseOpenLineageConfig({ OPENLINEAGE_URL: receiver.url });
    if (config === null) throw new Error('configured');
    const deliver = () => deliverDue({ outbox: fx?.repositories.lineageOutbox as never, config });

    // Act: a sync through the simulator's signed webhooks, delivered; then Fivetran redelivers both.
    const syncId = await fx.sim.runSync(postgres.id, 'SUCCESSFUL');
    const first = await deliver();
    const stored = await fx.repositories.events.listOfConnection(postgres.id, { limit: 10, cursor: null });
    const redelivered = [];
    for (const event of stored.items.filter((e) => e.sync_id === syncId)) {
      redelivered.push((await fx.deliver(event.body)).body);
    }
    const second = await deliver();

    // Assess
    expect(first.delivered).toBe(2);
    expect(redelivered).toHaveLength(2);
    expect(redelivered.every((body) => body.duplicate === true)).toBe(true);
    expect(second.claimed).toBe(0);
    expect(receiver.received.map((r) => r.event.eventType)).toEqual(['START', 'COMPLETE']);
    for (const received of receiver.received) expect(received.errors).toEqual([]);
    const [start, complete] = receiver.received.map((r) => r.event as Record<string, never>);
    expect(start?.run).toEqual(complete?.run);
    const accountId = fx.sim.account.accountId;
    expect(complete).toMatchObject({ job: { namespace: `fivetran://${accountId}`, name: postgres.schema } });
    const outputs = (complete as unknown as { outputs: { namespace: string; name: string }[] }).outputs;
    const inputs = (complete as unknown as { inputs: { namespace: string }[] }).inputs;
    expect(outputs.length).toBeGreaterThan(0);
    expect(inputs.every((input) => input.namespace === 'postgres://db.internal.example.com:5432')).toBe(true);
    expect(inputs.length).toBe(outputs.length);
    // Hosts name datasets in the events, and nowhere in the API: not the connection, not its tables.
    const detail = await fx.get(`/api/connections/${postgres.id}`);
    const rows = await fx.get(`/api/tables?connection_id=${postgres.id}`);
    expect(detail.body.config).not.toHaveProperty('host');
    expect(detail.text).not.toContain('db.internal.example.com');
    expect(rows.text).not.toContain('db.internal.example.com');
    expect(rows.text).not.toContain('warehouse.example.com');
  });

  it('lists the transformations the sweep read, a failing one with its reason, and applies dbt_run webhooks', async () => {
    // Prepare
    fx = await startLineageAppFixture();
    await fx.sweep();
    const [healthy] = [...fx.sim.account.transformations.values()].filter((t) => t.status === 'SUCCEEDED');
    if (!healthy) throw new Error('the generated account has no succeeded transformation');

    // Act: a later failed run, told by webhook.
    const failed = await fx.deliver(
      JSON.stringify({
        event: 'transformation_run_failed',
        created: new Date(Date.now() + 60_000).toISOString(),
        data: { transformation_id: healthy.id, reason: 'dbt: compilation error in model orders' },
      }),
    );
    const list = await fx.get('/api/transformations');
    const failing = await fx.get('/api/transformations?health=failing');

    // Assess
    expect(failed.status).toBe(200);
    expect(list.status).toBe(200);
    expect(list.body.items.map((t: { id: string }) => t.id).sort()).toEqual(
      [...fx.sim.account.transformations.keys()].sort(),
    );
    const told = list.body.items.find((t: { id: string }) => t.id === healthy.id);
    expect(told).toMatchObject({
      status: 'FAILED',
      health: 'failing',
      health_reason: { code: 'transformation_failed', message: 'dbt: compilation error in model orders' },
    });
    expect(told.connection_ids.length).toBeGreaterThan(0);
    expect(failing.body.items.every((t: { health: string }) => t.health === 'failing')).toBe(true);
    expect(failing.body.items.map((t: { id: string }) => t.id)).toContain(healthy.id);
  });
});
