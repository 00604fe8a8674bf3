import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '#commons/http/app';
import { connectionDetailSchema } from '#commons/http/response-schemas';
import { connectionKey } from '#commons/store/table/keys';
import { eventIdentity } from '#commons/webhook/event-identity';
import { parseEvent } from '#commons/webhook/parse-event';
import { manualClock, type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

const schemaIds = (fx: SweepFixture) =>
  fx.sim.requestLog
    .filter((r) => r.endpoint === 'GET /v1/connections/{id}/schemas')
    .map((r) => decodeURIComponent(r.url.split('/')[3] as string));

describe('schema selections', () => {
  let fx: SweepFixture;
  const clock = manualClock();

  beforeEach(async () => {
    fx = await startSweepFixture({ seed: 21, groups: 2, connections: 30 });
  });
  afterEach(() => fx.close());

  const sweep = async (budget: number) => {
    fx.sim.requestLog.length = 0;
    clock.advance(60_000);
    const record = await fx.sweep({ schemaRequestBudget: budget, now: clock.now });
    return { record, fetched: schemaIds(fx) };
  };

  it('fetches a schema again at the next sweep after an edit_connector webhook for it', async () => {
    // Prepare: every schema fetched and fresh.
    await sweep(100);
    const edited = [...fx.sim.account.schemas.keys()][0] as string;
    const quiet = await sweep(100);
    const editedAt = new Date(clock.now() + 1_000).toISOString();
    const body = JSON.stringify({ event: 'edit_connector', created: editedAt, connector_id: edited });
    const parsed = parseEvent(Buffer.from(body));
    if (!parsed.ok) throw new Error(parsed.reason);
    await fx.recorder.recordEvent(parsed.event, eventIdentity(parsed.event.payload), Buffer.from(body));

    // Act
    const { fetched } = await sweep(100);

    // Assess
    expect(quiet.fetched).toEqual([]);
    expect(fetched).toEqual([edited]);
  });

  it('stores a compact summary, and "no schema yet" for NotFound_SchemaConfig without failing', async () => {
    // Prepare
    const withoutSchema = [...fx.sim.account.connections.keys()].filter(
      (id) => !fx.sim.account.schemas.has(id),
    );
    const withSchema = [...fx.sim.account.schemas.keys()][0] as string;
    const config = fx.sim.account.schemas.get(withSchema);

    // Act
    const { record } = await sweep(100);
    const none = await fx.repositories.schemas.get(withoutSchema[0] as string);
    const present = await fx.repositories.schemas.get(withSchema);

    // Assess
    expect(withoutSchema.length).toBeGreaterThan(0);
    expect(record.outcome).toBe('succeeded');
    expect(record.error).toBeNull();
    expect(record.schema_fetches).toBe(30);
    expect(none).toMatchObject({ state: 'none', summary: null });
    const [sourceName, source] = Object.entries(config?.schemas ?? {})[0] ?? [];
    const enabled = Object.entries(source?.tables ?? {}).filter(([, t]) => t.enabled);
    expect(present).toMatchObject({
      state: 'present',
      summary: {
        schemas_enabled: 1,
        schemas_total: 1,
        tables_enabled: enabled.length,
        tables_total: Object.keys(source?.tables ?? {}).length,
        truncated: false,
        schemas: [
          {
            name: sourceName,
            tables: enabled
              .map(([name, t]) => ({ name, sync_mode: t.sync_mode }))
              .sort((a, b) => (a.name < b.name ? -1 : 1)),
          },
        ],
      },
    });
  });

  it('spends at most the budget per sweep, never-fetched first, and catches up over the next sweeps', async () => {
    // Act
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await sweep(8));

    // Assess
    expect(runs.map((r) => r.fetched.length)).toEqual([8, 8, 8, 6, 0]);
    expect(runs.map((r) => r.record.outcome)).toEqual([
      'partial',
      'partial',
      'partial',
      'succeeded',
      'succeeded',
    ]);
    expect(new Set(runs.flatMap((r) => r.fetched)).size).toBe(30);
    expect(runs[0]?.record.error).toMatch(/schema request budget \(8\) was spent; 22 left/);
  });

  it('fetches again, oldest first, once a summary is a day old', async () => {
    // Prepare
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await sweep(8));
    clock.advance(24 * 60 * 60_000);

    // Act
    const again = await sweep(8);

    // Assess
    expect(again.fetched.sort()).toEqual([...(runs[0]?.fetched ?? [])].sort());
  });

  it('asks again for a "no schema yet" connection once it has synced', async () => {
    // Prepare
    await sweep(100);
    const pending = [...fx.sim.account.connections.values()].find(
      (c) => !fx.sim.account.schemas.has(c.id) && c.status.setup_state !== 'incomplete',
    );
    if (!pending) throw new Error('no connection without a schema that can sync');
    await fx.sim.runSync(pending.id, 'SUCCESSFUL');

    // Act
    const after = await sweep(100);

    // Assess
    expect(after.fetched).toEqual([pending.id]);
    expect(await fx.repositories.schemas.get(pending.id)).toMatchObject({ state: 'present' });
  });

  it('keeps only allow-listed config fields: no hosts, users or masked secrets', async () => {
    // Prepare
    const postgres = [...fx.sim.account.connections.values()].find((c) => c.service === 'postgres');
    if (!postgres) throw new Error('no postgres connection in the generated account');

    // Act
    await sweep(0);
    const connection = (await fx.repositories.connections.readAll()).get(postgres.id)?.value;
    const { Item } = await fx.table.client.send(
      new GetCommand({ TableName: fx.table.tableName, Key: connectionKey(postgres.id) }),
    );

    // Assess
    expect(connection?.config).toEqual({ update_method: 'WAL' });
    const raw = JSON.stringify(Item);
    expect(raw).not.toContain('db.internal.example.com');
    expect(raw).not.toContain('******');
    expect(raw).not.toContain('password');
  });
});

describe('GET /api/connections/{id} after a sweep', () => {
  it('shows the schema selection and the allow-listed config, in the published shape', async () => {
    // Prepare
    const fx = await startSweepFixture({ seed: 21, groups: 2, connections: 10 });
    try {
      await fx.sweep({ schemaRequestBudget: 100 });
      const withSchema = [...fx.sim.account.schemas.keys()][0] as string;
      const app = createHttpApp({ repositories: fx.repositories });

      // Act
      const response = await app.request(`/api/connections/${withSchema}`);
      const detail = (await response.json()) as {
        schema_selection: { state: string; summary: { schemas_enabled: number } };
        config: unknown;
      };

      // Assess
      expect(response.status).toBe(200);
      expect(connectionDetailSchema.safeParse(detail).success).toBe(true);
      expect(detail.schema_selection).toMatchObject({ state: 'present', summary: { truncated: false } });
      expect(detail.schema_selection.summary.schemas_enabled).toBeGreaterThan(0);
      expect(detail.config).not.toBeNull();
      expect(JSON.stringify(detail.config)).not.toMatch(/password|secret|token|private_key/i);
    } finally {
      await fx.close();
    }
  });
});
