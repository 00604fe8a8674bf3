import { afterEach, describe, expect, it } from 'vitest';
import { FivetranClient } from '#commons/fivetran/client';
import {
  accountInfoSchema,
  connectionSchema,
  destinationSchema,
  groupSchema,
  schemaConfigSchema,
  webhookSchema,
} from '#commons/fivetran/schemas';
import { transformationSchema } from '#commons/fivetran/transformations';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';
import { loadContract, violations } from './openapi-contract.ts';
import { AUTH, data, get, items } from './sim-http.ts';

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
const SETUP_STATES = ['incomplete', 'connected', 'broken'];
const SYNC_STATES = ['scheduled', 'syncing', 'paused', 'rescheduled'];
const UPDATE_STATES = ['on_schedule', 'delayed'];
const SYNC_FREQUENCIES = [1, 5, 15, 30, 60, 120, 180, 360, 480, 720, 1440];

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const contract = loadContract();

describe('simulator: conformance with Fivetran’s OpenAPI definition and the client schemas', () => {
  it('answers every read endpoint with the required fields and enum values the OpenAPI file declares', async () => {
    // Prepare
    sim = await startSimulator({ seed: 11, groups: 3, connections: 60 });
    const s = sim;
    const groupId = [...s.account.groups.keys()][0] as string;
    const client = new FivetranClient({ baseUrl: s.url, credential: s.credential, credentialName: 'demo' });
    await client.createAccountWebhook({ url: `${s.url}/v1/groups`, events: ['sync_end'], active: false });

    // Act
    const answers: [string, unknown][] = [
      ['AccountInfoResponse', await data(s, '/v1/account/info')],
      ...(await items(s, '/v1/groups')).map((g) => ['GroupResponse', g] as [string, unknown]),
      ...(await items(s, '/v1/destinations')).map((d) => ['DestinationResponse', d] as [string, unknown]),
      ['DestinationExtendedResponse', await data(s, `/v1/destinations/${groupId}`)],
      ...(await items(s, '/v1/connections')).map((c) => ['ConnectorResponse', c] as [string, unknown]),
      ...(await items(s, '/v1/webhooks')).map((w) => ['WebhookResponse', w] as [string, unknown]),
      ...(await items(s, '/v1/transformations')).map(
        (t) => ['TransformationResponse', t] as [string, unknown],
      ),
    ];
    for (const id of [...s.account.schemas.keys()].slice(0, 10)) {
      answers.push(['StandardConfigResponse', await data(s, `/v1/connections/${id}/schemas`)]);
    }
    const connectionId = [...s.account.connections.keys()][0] as string;
    answers.push(['ConnectorResponse', await data(s, `/v1/connections/${connectionId}`)]);

    // Assess
    const kinds = new Set(answers.map(([schema]) => schema));
    expect(kinds.size).toBe(8);
    expect(answers.flatMap(([schema, value]) => violations(contract, schema, value))).toEqual([]);
  });

  it('answers in shapes the client schemas read in full, with only documented connection fields', async () => {
    // Prepare
    sim = await startSimulator({ seed: 11, groups: 3, connections: 60 });
    const s = sim;

    // Act
    const connections = await items(s, '/v1/connections');
    const parsed = {
      account: accountInfoSchema.safeParse(await data(s, '/v1/account/info')),
      groups: (await items(s, '/v1/groups')).map((g) => groupSchema.safeParse(g)),
      destinations: (await items(s, '/v1/destinations')).map((d) => destinationSchema.safeParse(d)),
      connections: connections.map((c) => connectionSchema.safeParse(c)),
      webhooks: (await items(s, '/v1/webhooks')).map((w) => webhookSchema.safeParse(w)),
      transformations: (await items(s, '/v1/transformations')).map((t) => transformationSchema.safeParse(t)),
      schemas: await Promise.all(
        [...s.account.schemas.keys()].map(async (id) =>
          schemaConfigSchema.safeParse(await data(s, `/v1/connections/${id}/schemas`)),
        ),
      ),
    };

    // Assess
    const all = Object.values(parsed).flat();
    expect(all.filter((result) => !result.success)).toEqual([]);
    expect(parsed.transformations.length).toBeGreaterThan(0);
    for (const c of connections) {
      for (const key of Object.keys(c)) expect(DOCUMENTED_CONNECTION_FIELDS).toContain(key);
      const status = c.status as Record<string, unknown>;
      for (const key of Object.keys(status)) expect(DOCUMENTED_STATUS_FIELDS).toContain(key);
      expect(SETUP_STATES).toContain(status.setup_state);
      expect(SYNC_STATES).toContain(status.sync_state);
      expect(UPDATE_STATES).toContain(status.update_state);
      expect(SYNC_FREQUENCIES).toContain(c.sync_frequency);
      // rescheduled_for is set only while rescheduled; a paused connection is `paused`.
      expect(status.rescheduled_for !== null).toBe(status.sync_state === 'rescheduled');
      expect(status.sync_state === 'paused').toBe(c.paused);
      // Secrets in config arrive masked, as Fivetran sends them.
      const config = c.config as Record<string, unknown>;
      for (const key of ['password', 'secret_key']) if (key in config) expect(config[key]).toBe('******');
    }
  });

  it('generates every troubled situation a real account has', async () => {
    // Prepare
    sim = await startSimulator({ seed: 3, groups: 2, connections: 10 });
    const s = sim;
    const all = [...s.account.connections.values()];
    const instant = (value: string | null) => (value ? Date.parse(value) : 0);
    const lastFailed = (c: (typeof all)[number]) =>
      c.failed_at !== null && (c.succeeded_at === null || instant(c.failed_at) > instant(c.succeeded_at));

    // Act
    const noSchema = await Promise.all(
      all.filter((c) => !s.account.schemas.has(c.id)).map((c) => get(s, `/v1/connections/${c.id}/schemas`)),
    );

    // Assess
    expect(all.some((c) => c.status.setup_state === 'connected' && !c.paused && !lastFailed(c))).toBe(true);
    expect(all.some((c) => lastFailed(c) && c.status.tasks.length === 0)).toBe(true);
    expect(all.some((c) => lastFailed(c) && c.status.tasks.length > 0)).toBe(true);
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
    for (const answer of noSchema)
      expect(answer).toMatchObject({ status: 404, body: { code: 'NotFound_SchemaConfig' } });
  });

  it('builds the same account from the same seed, and another from another seed', async () => {
    // Prepare
    const now = () => Date.parse('2026-06-01T12:00:00Z');
    const build = async (seed: number, quirks = false) => {
      const s = await startSimulator({ seed, groups: 3, connections: 40, now, quirks });
      const { groups, connections, schemas, runs, transformations } = s.account;
      const snapshot = JSON.stringify([
        ...[groups, connections, schemas, runs, transformations].map((m) => [...m]),
      ]);
      await s.close();
      return snapshot;
    };

    // Act
    const [a, b, c, quirky] = [await build(5), await build(5), await build(6), await build(5, true)];

    // Assess
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(quirky).not.toBe(a);
  });

  it('answers like Fivetran to bad requests: a bodiless 401, Accept, limit, cursor, removed paths', async () => {
    // Prepare
    sim = await startSimulator({ seed: 1, groups: 1, connections: 3 });
    const s = sim;

    // Act
    const noAuth = await fetch(`${s.url}/v1/groups`);
    const noAuthBody = await noAuth.text();
    const badAccept = await get(s, '/v1/groups', { Accept: 'text/html' });
    const v2Accept = await get(s, '/v1/connections', { Accept: 'application/json;version=2' });
    const zeroLimit = await get(s, '/v1/groups?limit=0');
    const bigLimit = await get(s, '/v1/groups?limit=1001');
    const badCursor = await get(s, '/v1/groups?cursor=nonsense');
    const oldPath = await get(s, '/v1/connectors');
    const wrongMethod = await fetch(`${s.url}/v1/groups`, {
      method: 'DELETE',
      headers: { Authorization: AUTH },
    });
    const noContentType = await fetch(`${s.url}/v1/webhooks/account`, {
      method: 'POST',
      headers: { Authorization: AUTH },
      body: '{}',
    });

    // Assess
    expect([noAuth.status, noAuthBody, noAuth.headers.get('content-type')]).toEqual([401, '', null]);
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
    const s = sim;

    // Act
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let requests = 0;
    do {
      const page = (await data(
        s,
        `/v1/connections${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
      )) as {
        items: { id: string }[];
        next_cursor?: string | null;
      };
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
    const s = sim;
    const visible = [...s.account.groups.keys()][0] as string;
    s.knobs.visibleGroupIds = [visible];

    // Act
    const info = accountInfoSchema.parse(await data(s, '/v1/account/info'));
    const groups = await items(s, '/v1/groups');
    const connections = await items(s, '/v1/connections');
    const hidden = [...s.account.connections.values()].find((c) => c.group_id !== visible);
    const forbidden = await get(s, `/v1/connections/${hidden?.id}`);

    // Assess
    expect(info.system_key_id).toBe(s.account.ownerId);
    expect(info.user_id).toBeUndefined();
    expect(groups.map((g) => g.id)).toEqual([visible]);
    expect(connections.every((c) => c.group_id === visible)).toBe(true);
    expect(connections.length).toBeLessThan(30);
    expect(forbidden).toMatchObject({ status: 403, body: { code: 'Forbidden' } });
  });

  it('moves the account on between listings when churn is on, keeping the request count', async () => {
    // Prepare
    sim = await startSimulator({ seed: 8, groups: 2, connections: 20 });
    const s = sim;
    s.knobs.churnBetweenListings = { added: 2, removed: 1, changed: 1 };
    const before = new Set(s.account.connections.keys());

    // Act
    const listed = await items(s, '/v1/connections');

    // Assess
    const ids = new Set(listed.map((c) => c.id as string));
    expect(ids.size).toBe(21);
    expect([...ids].filter((id) => !before.has(id))).toHaveLength(2);
    expect([...before].filter((id) => !ids.has(id))).toHaveLength(1);
    expect(s.requests.snapshot().by_endpoint['GET /v1/connections']).toEqual({
      total: 1,
      by_status: { '200': 1 },
    });
  });
});
