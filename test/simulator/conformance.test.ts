import { afterEach, describe, expect, it } from 'vitest';
import {
  accountInfoSchema,
  CONNECTION_NETWORKING_METHODS,
  connectionSchema,
  DATA_DELAY_SENSITIVITIES,
  DESTINATION_NETWORKING_METHODS,
  DESTINATION_SETUP_STATUSES,
  destinationSchema,
  envelopeSchema,
  groupSchema,
  pageSchema,
  SCHEDULE_TYPES,
  SCHEMA_CHANGE_HANDLINGS,
  SETUP_STATES,
  SETUP_TEST_STATUSES,
  SYNC_FREQUENCIES,
  SYNC_STATES,
  schemaConfigSchema,
  TABLE_SYNC_MODES,
  UPDATE_STATES,
} from '#commons/fivetran/schemas';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';

/** Connection fields as the reference lists them (§3.1): the simulator must not invent others. */
const DOCUMENTED_CONNECTION_FIELDS = new Set([
  'id',
  'group_id',
  'service',
  'service_version',
  'schema',
  'connected_by',
  'created_at',
  'succeeded_at',
  'failed_at',
  'paused',
  'pause_after_trial',
  'sync_frequency',
  'daily_sync_time',
  'schedule_type',
  'data_delay_sensitivity',
  'data_delay_threshold',
  'networking_method',
  'private_link_id',
  'proxy_agent_id',
  'hybrid_deployment_agent_id',
  'destination_schema_names',
  'destination_configuration',
  'external_secrets_manager_id',
  'setup_tests',
  'source_sync_details',
  'connect_card',
  'connect_card_config',
  'config',
  'status',
]);
const DOCUMENTED_STATUS_FIELDS = new Set([
  'setup_state',
  'sync_state',
  'update_state',
  'is_historical_sync',
  'rescheduled_for',
  'schema_status',
  'tasks',
  'warnings',
]);

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const AUTH = `Basic ${Buffer.from('demo-key:demo-secret').toString('base64')}`;

async function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${(sim as Simulator).url}${path}`, {
    headers: { Authorization: AUTH, ...headers },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The `data` of a successful answer, after checking the envelope the client checks. */
async function data(path: string): Promise<unknown> {
  const { status, body } = await get(path);
  expect(status).toBe(200);
  const envelope = envelopeSchema.parse(body);
  expect(envelope.code).toBe('Success');
  return envelope.data;
}

describe('simulator: conformance with the reference and the client schemas', () => {
  it('answers every read endpoint in shapes the client schemas accept, with documented enums', async () => {
    // Prepare
    sim = await startSimulator({ seed: 11, groups: 3, connections: 60 });
    const groupId = [...sim.account.groups.keys()][0] as string;

    // Act
    const info = accountInfoSchema.parse(await data('/v1/account/info'));
    const groups = pageSchema(groupSchema).parse(await data('/v1/groups?limit=1000'));
    const destinations = pageSchema(destinationSchema).parse(await data('/v1/destinations?limit=1000'));
    const destination = destinationSchema.parse(await data(`/v1/destinations/${groupId}`));
    const connections = pageSchema(connectionSchema).parse(await data('/v1/connections?limit=1000'));
    const schemas = await Promise.all(
      connections.items
        .filter((c) => sim?.account.schemas.has(c.id))
        .map(async (c) => schemaConfigSchema.parse(await data(`/v1/connections/${c.id}/schemas`))),
    );

    // Assess
    expect(info.account_name).toBe(sim.account.accountName);
    expect(info.user_id).toBe(sim.account.ownerId);
    expect(groups.items).toHaveLength(3);
    expect(destination.id).toBe(groupId);
    for (const d of destinations.items) {
      expect(DESTINATION_SETUP_STATUSES).toContain(d.setup_status);
      expect(DESTINATION_NETWORKING_METHODS).toContain(d.networking_method);
      expect(d.id).toBe(d.group_id);
    }
    expect(connections.items).toHaveLength(60);
    for (const c of connections.items) {
      for (const key of Object.keys(c)) expect(DOCUMENTED_CONNECTION_FIELDS).toContain(key);
      for (const key of Object.keys(c.status)) expect(DOCUMENTED_STATUS_FIELDS).toContain(key);
      expect(SETUP_STATES).toContain(c.status.setup_state);
      expect(SYNC_STATES).toContain(c.status.sync_state);
      expect(UPDATE_STATES).toContain(c.status.update_state);
      expect(SCHEDULE_TYPES).toContain(c.schedule_type);
      expect(SYNC_FREQUENCIES).toContain(c.sync_frequency);
      expect(DATA_DELAY_SENSITIVITIES).toContain(c.data_delay_sensitivity);
      expect(CONNECTION_NETWORKING_METHODS).toContain(c.networking_method);
      for (const test of c.setup_tests ?? []) expect(SETUP_TEST_STATUSES).toContain(test.status);
      // rescheduled_for is set only while rescheduled.
      expect(c.status.rescheduled_for !== null).toBe(c.status.sync_state === 'rescheduled');
      expect(c.status.sync_state === 'paused').toBe(c.paused);
      // Secrets in config arrive masked, as Fivetran sends them.
      for (const key of ['password', 'secret_key']) {
        if (c.config && key in c.config) expect(c.config[key]).toBe('******');
      }
    }
    expect(schemas.length).toBeGreaterThan(0);
    for (const schema of schemas) {
      expect(SCHEMA_CHANGE_HANDLINGS).toContain(schema.schema_change_handling);
      for (const entry of Object.values(schema.schemas ?? {})) {
        for (const table of Object.values(entry.tables ?? {}))
          expect(TABLE_SYNC_MODES).toContain(table.sync_mode);
      }
    }
  });

  it('generates every troubled situation a real account has', async () => {
    // Prepare
    sim = await startSimulator({ seed: 3, groups: 2, connections: 10 });
    const all = [...sim.account.connections.values()];
    const instant = (value: string | null | undefined) => (value ? Date.parse(value) : null);
    const lastFailed = (c: (typeof all)[number]) =>
      c.failed_at !== null &&
      (c.succeeded_at === null || (instant(c.failed_at) ?? 0) > (instant(c.succeeded_at) ?? 0));

    // Act
    const noSchema = await Promise.all(
      all.filter((c) => !sim?.account.schemas.has(c.id)).map((c) => get(`/v1/connections/${c.id}/schemas`)),
    );

    // Assess
    expect(all.some((c) => c.status.setup_state === 'connected' && !c.paused && !lastFailed(c))).toBe(true);
    expect(all.some((c) => lastFailed(c) && (c.status.tasks ?? []).length === 0)).toBe(true);
    expect(all.some((c) => lastFailed(c) && (c.status.tasks ?? []).length > 0)).toBe(true);
    expect(all.some((c) => c.status.setup_state === 'broken')).toBe(true);
    expect(all.some((c) => c.status.setup_state === 'incomplete')).toBe(true);
    expect(all.some((c) => c.paused && c.status.sync_state === 'paused')).toBe(true);
    expect(all.some((c) => c.status.update_state === 'delayed' && !lastFailed(c))).toBe(true);
    expect(all.some((c) => c.status.sync_state === 'rescheduled' && c.status.rescheduled_for)).toBe(true);
    expect(
      all.some(
        (c) => c.succeeded_at === null && c.failed_at === null && c.status.setup_state === 'connected',
      ),
    ).toBe(true);
    expect(noSchema.length).toBeGreaterThan(0);
    for (const answer of noSchema) {
      expect(answer).toMatchObject({ status: 404, body: { code: 'NotFound_SchemaConfig' } });
    }
  });

  it('builds the same account from the same seed, and another from another seed', async () => {
    // Prepare
    const now = () => Date.parse('2026-06-01T12:00:00Z');
    const build = async (seed: number) => {
      const s = await startSimulator({ seed, groups: 3, connections: 40, now });
      const snapshot = JSON.stringify({
        groups: [...s.account.groups.values()],
        connections: [...s.account.connections.values()],
        schemas: [...s.account.schemas.entries()],
      });
      await s.close();
      return snapshot;
    };

    // Act
    const [a, b, c] = [await build(5), await build(5), await build(6)];

    // Assess
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('answers like Fivetran to bad requests: auth, Accept, limit, cursor, removed paths', async () => {
    // Prepare
    sim = await startSimulator({ seed: 1, groups: 1, connections: 3 });
    const url = sim.url;

    // Act
    const noAuth = await fetch(`${url}/v1/groups`);
    const badAccept = await get('/v1/groups', { Accept: 'text/html' });
    const v2Accept = await get('/v1/connections', { Accept: 'application/json;version=2' });
    const zeroLimit = await get('/v1/groups?limit=0');
    const bigLimit = await get('/v1/groups?limit=1001');
    const badCursor = await get('/v1/groups?cursor=nonsense');
    const oldPath = await get('/v1/connectors');
    const wrongMethod = await fetch(`${url}/v1/groups`, {
      method: 'DELETE',
      headers: { Authorization: AUTH },
    });
    const noContentType = await fetch(`${url}/v1/webhooks/account`, {
      method: 'POST',
      headers: { Authorization: AUTH },
      body: '{}',
    });

    // Assess
    expect(noAuth.status).toBe(401);
    expect(badAccept.status).toBe(406);
    expect(v2Accept.status).toBe(200);
    expect(zeroLimit).toMatchObject({ status: 400, body: { code: 'InvalidInput' } });
    expect(bigLimit.status).toBe(400);
    expect(badCursor.status).toBe(400);
    expect(oldPath.status).toBe(404);
    expect(wrongMethod.status).toBe(405);
    expect(noContentType.status).toBe(415);
  });

  it('defaults to pages of 100 and pages by cursor without losing or repeating items', async () => {
    // Prepare
    sim = await startSimulator({ seed: 2, groups: 2, connections: 250 });

    // Act
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let requests = 0;
    do {
      const page = pageSchema(connectionSchema).parse(
        await data(`/v1/connections${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`),
      );
      seen.push(...page.items.map((c) => c.id));
      cursor = page.next_cursor;
      requests++;
    } while (cursor);

    // Assess
    expect(requests).toBe(3);
    expect(new Set(seen).size).toBe(250);
  });

  it('shows a system key as such, and a scoped key only its groups', async () => {
    // Prepare
    sim = await startSimulator({ seed: 4, groups: 3, connections: 30, keyKind: 'system' });
    const visible = [...sim.account.groups.keys()][0] as string;
    sim.knobs.visibleGroupIds = [visible];

    // Act
    const info = accountInfoSchema.parse(await data('/v1/account/info'));
    const groups = pageSchema(groupSchema).parse(await data('/v1/groups'));
    const connections = pageSchema(connectionSchema).parse(await data('/v1/connections?limit=1000'));

    // Assess
    expect(info.system_key_id).toBe(sim.account.ownerId);
    expect(info.user_id).toBeUndefined();
    expect(groups.items.map((g) => g.id)).toEqual([visible]);
    expect(connections.items.every((c) => c.group_id === visible)).toBe(true);
    expect(connections.items.length).toBeLessThan(30);
  });

  it('moves the account on between listings when churn is on, keeping the request count', async () => {
    // Prepare
    sim = await startSimulator({ seed: 8, groups: 2, connections: 20 });
    sim.knobs.churnBetweenListings = { added: 2, removed: 1, changed: 1 };
    const before = new Set(sim.account.connections.keys());

    // Act
    const listed = pageSchema(connectionSchema).parse(await data('/v1/connections?limit=1000'));

    // Assess
    const ids = new Set(listed.items.map((c) => c.id));
    expect(ids.size).toBe(21);
    expect([...ids].filter((id) => !before.has(id))).toHaveLength(2);
    expect([...before].filter((id) => !ids.has(id))).toHaveLength(1);
    expect(sim.requests.snapshot().by_endpoint['GET /v1/connections']).toEqual({
      total: 1,
      by_status: { '200': 1 },
    });
  });
});
