import { afterEach, describe, expect, it } from 'vitest';
import { collectItems, FivetranClient } from '#commons/fivetran/client';
import { isMissingSchemaConfig } from '#commons/fivetran/errors';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';
import { loadContract, violations } from './openapi-contract.ts';
import { get, items } from './sim-http.ts';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const contract = loadContract();

describe('simulator with quirks: the odd shapes real Fivetran answers have', () => {
  it('mixes the case of destination setup_status across groups, and the client reads both as one', async () => {
    // Prepare
    sim = await startSimulator({ seed: 31, groups: 4, connections: 20, quirks: true });
    const client = new FivetranClient({
      baseUrl: sim.url,
      credential: sim.credential,
      credentialName: 'demo',
    });

    // Act
    const raw = (await items(sim, '/v1/destinations')).map((d) => d.setup_status as string);
    const read = (await collectItems(client.destinationPages())).map((d) => d.setup_status);

    // Assess
    expect(raw.some((status) => status === status.toLowerCase())).toBe(true);
    expect(raw.some((status) => status === status.toUpperCase())).toBe(true);
    expect(read.every((status) => status === status?.toUpperCase())).toBe(true);
  });

  it('serves tasks without code, required-only items and one older item without status', async () => {
    // Prepare
    sim = await startSimulator({ seed: 31, groups: 3, connections: 60, quirks: true });

    // Act
    const listed = await items(sim, '/v1/connections');

    // Assess
    const tasks = listed.flatMap(
      (c) => ((c.status as { tasks?: Record<string, unknown>[] })?.tasks ?? []) as Record<string, unknown>[],
    );
    expect(tasks.some((task) => !('code' in task))).toBe(true);
    const legacy = listed.filter((c) => !('status' in c));
    expect(legacy).toHaveLength(1);
    expect(legacy[0]).not.toHaveProperty('paused');
    expect(legacy[0]).toHaveProperty('succeeded_at');
    const requiredOnly = listed.filter((c) => 'status' in c && !('succeeded_at' in c));
    expect(requiredOnly.length).toBeGreaterThan(0);
    // Apart from the older item's missing status and paused, every item still keeps the OpenAPI contract.
    const problems = listed.flatMap((c) =>
      violations(contract, 'ConnectorResponse', c, {
        optional: c === legacy[0] ? ['ConnectorResponse.status', 'ConnectorResponse.paused'] : [],
      }),
    );
    expect(problems).toEqual([]);
  });

  it('answers some schema paths with the generic NotFound, which the client reads as "no schema yet"', async () => {
    // Prepare
    sim = await startSimulator({ seed: 31, groups: 3, connections: 60, quirks: true });
    const s = sim;
    const client = new FivetranClient({ baseUrl: s.url, credential: s.credential, credentialName: 'demo' });
    const without = [...s.account.connections.values()].filter((c) => !s.account.schemas.has(c.id));

    // Act
    const answers = await Promise.all(without.map((c) => get(s, `/v1/connections/${c.id}/schemas`)));
    const errors = await Promise.all(
      without.map((c) => client.connectionSchemas(c.id).catch((e: unknown) => e)),
    );

    // Assess
    const codes = new Set(answers.map((a) => (a.body as { code: string }).code));
    expect(codes).toEqual(new Set(['NotFound', 'NotFound_SchemaConfig']));
    expect(answers.every((a) => a.status === 404)).toBe(true);
    expect(errors.every(isMissingSchemaConfig)).toBe(true);
  });

  it('has a new connection, one in its historical first sync, and one that went late', async () => {
    // Prepare
    const now = Date.parse('2026-11-03T12:00:00Z');
    sim = await startSimulator({ seed: 31, groups: 2, connections: 13, quirks: true, now: () => now });

    // Act
    const all = [...sim.account.connections.values()];

    // Assess
    const fresh = all.filter((c) => c.status.setup_state === 'incomplete' && c.status.is_historical_sync);
    expect(fresh.length).toBeGreaterThan(0);
    const firstSync = all.filter(
      (c) => c.status.setup_state === 'connected' && c.status.is_historical_sync && c.succeeded_at === null,
    );
    expect(firstSync.length).toBeGreaterThan(0);
    const late = all.filter((c) => c.sim.idle);
    expect(late).toHaveLength(1);
    const lateOne = late[0] as (typeof all)[number];
    expect(lateOne.status.update_state).toBe('on_schedule');
    expect(lateOne.schedule_type).toBe('auto');
    expect(now - Date.parse(lateOne.succeeded_at as string)).toBeGreaterThanOrEqual(
      10 * lateOne.sync_frequency * 60_000,
    );
  });

  it('starts the historical first syncs at once in timer mode, with durations that last', async () => {
    // Prepare
    sim = await startSimulator({ seed: 31, groups: 2, connections: 13, quirks: true });
    const s = sim;
    const waiting = [...s.account.connections.values()].filter(
      (c) =>
        c.status.setup_state === 'connected' &&
        c.status.is_historical_sync &&
        c.succeeded_at === null &&
        !c.paused,
    );

    // Act
    s.startActivity(60_000);
    const syncing = waiting.map((c) => s.isSyncing(c.id));
    s.stopActivity();

    // Assess
    expect(waiting.length).toBeGreaterThan(0);
    expect(syncing.every(Boolean)).toBe(true);
    expect(waiting.every((c) => c.status.sync_state === 'syncing')).toBe(true);
  });
});
