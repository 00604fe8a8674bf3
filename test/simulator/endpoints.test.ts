import { afterEach, describe, expect, it } from 'vitest';
import { collectItems, FivetranClient } from '#commons/fivetran/client';
import { EndpointUnavailableError, RateLimitedError } from '#commons/fivetran/errors';
import { lastSevenDays } from '#commons/fivetran/sync-history';
import { transformationConnectionIds } from '#commons/fivetran/transformations';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';
import { AUTH, data, get } from './sim-http.ts';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const clientOf = (s: Simulator, maxAttempts = 1) =>
  new FivetranClient({ baseUrl: s.url, credential: s.credential, credentialName: 'demo', maxAttempts });

describe('simulator: rate-limit headers and the hourly limit', () => {
  it('reports X-Rate-Limit and a falling X-Rate-Limit-Remaining on every answer', async () => {
    // Prepare
    sim = await startSimulator({ seed: 41, groups: 1, connections: 3 });

    // Act
    const first = await get(sim, '/v1/groups');
    const second = await get(sim, '/v1/account/info');

    // Assess
    expect(first.headers.get('x-rate-limit')).toBe('20000');
    expect(first.headers.get('x-rate-limit-remaining')).toBe('19999');
    expect(second.headers.get('x-rate-limit-remaining')).toBe('19998');
  });

  it('answers 429 TooManyRequests with Retry-After once a trial account’s 500 are spent', async () => {
    // Prepare
    sim = await startSimulator({ seed: 41, groups: 1, connections: 3, trial: true });
    const client = clientOf(sim);
    const s = sim;

    // Act
    for (let i = 0; i < 500; i++) await fetch(`${s.url}/v1/groups`, { headers: { Authorization: AUTH } });
    const refused = await get(s, '/v1/groups');
    const error = await client.accountInfo().catch((e: unknown) => e);

    // Assess
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      code: 'TooManyRequests',
      message: 'Max 500 api calls allowed in one-hour rolling time period',
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(client.rateLimit.limit).toBe(500);
  });
});

describe('simulator: sync history', () => {
  it('serves the runs behind each connection’s succeeded_at and failed_at, oldest first', async () => {
    // Prepare
    const now = Date.parse('2026-11-03T12:00:00Z');
    sim = await startSimulator({ seed: 41, groups: 2, connections: 20, now: () => now });
    const s = sim;
    const client = clientOf(s);
    const synced = [...s.account.connections.values()].filter((c) => c.succeeded_at !== null);

    // Act
    const histories = await Promise.all(
      synced.map((c) => collectItems(client.syncHistoryPages(c.id, lastSevenDays(now)))),
    );

    // Assess
    expect(histories.some((runs) => runs.length > 1)).toBe(true);
    for (const [i, connection] of synced.entries()) {
      const runs = histories[i] ?? [];
      const starts = runs.map((r) => Date.parse(r.started_at as string));
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      const successes = runs.filter((r) => r.status === 'SUCCESSFUL').map((r) => r.ended_at);
      if (now - Date.parse(connection.succeeded_at as string) < 6 * 24 * 3_600_000) {
        expect(successes.at(-1)).toBe(connection.succeeded_at);
      }
      for (const run of runs) {
        expect(Date.parse(run.ended_at as string)).toBeGreaterThan(Date.parse(run.started_at as string));
        if (run.status !== 'SUCCESSFUL') expect(run.reason).toBeTruthy();
      }
    }
  });

  it('pages by cursor, keeps to the window, refuses more than 7 days, and shows the runs it simulates', async () => {
    // Prepare
    sim = await startSimulator({ seed: 41, groups: 1, connections: 5 });
    const s = sim;
    const id = [...s.account.connections.values()].find((c) => !c.paused)?.id as string;
    await s.runSync(id, 'FAILURE');
    await s.runSync(id);
    const path = `/v1/connections/${id}/sync-history`;
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();

    // Act
    const first = (await data(s, `${path}?start_time=${from}&end_time=${to}&limit=1`)) as {
      items: Record<string, unknown>[];
      next_cursor: string | null;
    };
    const second = (await data(
      s,
      `${path}?start_time=${from}&end_time=${to}&limit=1&cursor=${first.next_cursor}`,
    )) as {
      items: Record<string, unknown>[];
      next_cursor: string | null;
    };
    const tooWide = await get(s, `${path}?start_time=2026-01-01T00:00:00Z&end_time=2026-01-09T00:00:00Z`);
    const backwards = await get(s, `${path}?start_time=${to}&end_time=${from}`);

    // Assess
    expect([...first.items, ...second.items].map((r) => r.status)).toEqual(['FAILURE', 'SUCCESSFUL']);
    expect(second.next_cursor).toBeNull();
    expect(Object.keys(first.items[0] ?? {})).toEqual([
      'sync_id',
      'start_time',
      'end_time',
      'status',
      'reason',
    ]);
    expect(tooWide).toMatchObject({ status: 400, body: { code: 'InvalidInput' } });
    expect(backwards.status).toBe(400);
  });

  it.each(['missing', 'unknown_shape'] as const)(
    'can answer as an account without the endpoint (%s), which the client reports as unavailable',
    async (mode) => {
      // Prepare
      sim = await startSimulator({ seed: 41, groups: 1, connections: 5 });
      sim.knobs.syncHistory = mode;
      const id = [...sim.account.connections.values()].find((c) => c.succeeded_at !== null)?.id as string;

      // Act
      const error = await collectItems(clientOf(sim).syncHistoryPages(id, lastSevenDays(Date.now()))).catch(
        (e: unknown) => e,
      );

      // Assess
      expect(error).toBeInstanceOf(EndpointUnavailableError);
    },
  );
});

describe('simulator: transformations', () => {
  it('lists transformations that depend on the account’s connections, filtered by group', async () => {
    // Prepare
    sim = await startSimulator({ seed: 41, groups: 3, connections: 30 });
    const s = sim;
    const client = clientOf(s);
    const groupId = [...s.account.transformations.values()][0]?.group_id as string;

    // Act
    const all = await collectItems(client.transformationPages());
    const inGroup = (await data(s, `/v1/transformations?group_id=${groupId}`)) as { items: { id: string }[] };

    // Assess
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(new Set(all.map((t) => t.type))).toEqual(new Set(['DBT_CORE', 'QUICKSTART']));
    expect(all.some((t) => t.status === 'FAILED')).toBe(true);
    for (const t of all) {
      const ids = transformationConnectionIds(t);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(s.account.connections.has(id)).toBe(true);
      expect(t.output_model_names?.length).toBeGreaterThan(0);
      expect(Date.parse(t.last_ended_at as string)).toBeGreaterThan(Date.parse(t.last_started_at as string));
    }
    expect(inGroup.items.length).toBeGreaterThan(0);
    expect(inGroup.items.every((t) => s.account.transformations.get(t.id)?.group_id === groupId)).toBe(true);
  });
});

describe('simulator: webhook create and delete answers', () => {
  it('creates with 200 and deletes with 200 and {code, message}', async () => {
    // Prepare
    sim = await startSimulator({ seed: 41, groups: 1, connections: 1 });
    const headers = { Authorization: AUTH, 'Content-Type': 'application/json' };
    const body = JSON.stringify({ url: `${sim.url}/v1/groups`, events: ['sync_end'], active: false });

    // Act
    const created = await fetch(`${sim.url}/v1/webhooks/account`, { method: 'POST', headers, body });
    const { data: webhook } = (await created.json()) as { data: { id: string } };
    const deleted = await fetch(`${sim.url}/v1/webhooks/${webhook.id}`, { method: 'DELETE', headers });

    // Assess
    expect(created.status).toBe(200);
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({
      code: 'Success',
      message: `Webhook with id '${webhook.id}' has been deleted`,
    });
  });
});
