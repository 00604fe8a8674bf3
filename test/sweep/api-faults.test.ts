import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

async function snapshot(fx: SweepFixture) {
  const stored = await fx.repositories.connections.readAll();
  return JSON.stringify([...stored.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

describe('the sweep against an API that throttles, fails and rejects', () => {
  let fx: SweepFixture;

  beforeEach(async () => {
    fx = await startSweepFixture({ seed: 5, groups: 2, connections: 40 });
  });
  afterEach(() => fx.close());

  it('waits out a 429 whose Retry-After fits the time left, then completes', async () => {
    // Prepare
    const slept: number[] = [];
    fx.sim.faults.add({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 2,
      endpoint: 'GET /v1/connections',
      times: 1,
    });

    // Act
    const record = await fx.sweep({
      schemaRequestBudget: 0,
      fivetran: { ...fx.deps().fivetran, sleep: async (ms) => void slept.push(ms) },
    });

    // Assess
    expect(record.outcome).toBe('succeeded');
    // Groups, destinations, the connections page once it was answered, and the transformations page.
    expect(record.requests.by_status).toEqual({ '200': 4, '429': 1 });
    expect(slept).toEqual([2_000]);
    expect(record.connections_written).toBe(40);
  });

  it('retries a 5xx and completes', async () => {
    // Prepare
    fx.sim.faults.add({ kind: 'status', status: 503, endpoint: 'GET /v1/groups', times: 2 });

    // Act
    const record = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(record.outcome).toBe('succeeded');
    expect(record.requests.by_status['503']).toBe(2);
  });

  it('fails without deleting anything when a Retry-After outlasts the time left in the listing; the next sweep completes', async () => {
    // Prepare: over 1,000 connections, so the listing has a second page to be throttled on. A first sweep
    // stores everything, then one connection disappears at Fivetran.
    await fx.close();
    fx = await startSweepFixture({ seed: 5, groups: 2, connections: 1_200 });
    await fx.sweep({ schemaRequestBudget: 0 });
    const gone = [...fx.sim.account.connections.keys()][0] as string;
    fx.sim.removeConnection(gone);
    // The second listing page is throttled for an hour; the sweep has ten minutes.
    fx.sim.faults.add({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 3_600,
      endpoint: 'GET /v1/connections',
      skip: 1,
      times: 1,
    });

    // Act
    const throttled = await fx.sweep({ schemaRequestBudget: 0 });
    const afterThrottled = (await fx.repositories.connections.readAll()).get(gone)?.value;
    const next = await fx.sweep({ schemaRequestBudget: 0 });
    const afterNext = (await fx.repositories.connections.readAll()).get(gone)?.value;

    // Assess
    expect(throttled.outcome).toBe('failed');
    expect(throttled.error).toMatch(/rate limiting.*retry after 3600 s/);
    expect(throttled.connections_deleted).toBe(0);
    expect(afterThrottled?.deleted_at).toBeNull();
    expect(next.outcome).toBe('succeeded');
    expect(next.connections_deleted).toBe(1);
    expect(afterNext?.deleted_at).not.toBeNull();
  });

  it('ends partial when a Retry-After outlasts the time left after the listing; the listing is kept', async () => {
    // Prepare
    fx.sim.faults.add({
      kind: 'status',
      status: 429,
      retryAfterSeconds: 3_600,
      endpoint: 'GET /v1/connections/{id}/schemas',
    });

    // Act
    const record = await fx.sweep({ schemaRequestBudget: 10 });

    // Assess
    expect(record.outcome).toBe('partial');
    expect(record.error).toMatch(/schemas: .*rate limiting/);
    expect(record.connections_written).toBe(40);
  });

  it('changes nothing on a 401 and names the secret to update', async () => {
    // Prepare
    await fx.sweep({ schemaRequestBudget: 0 });
    const before = await snapshot(fx);
    fx.sim.updateConnection([...fx.sim.account.connections.keys()][1] as string, { paused: true });
    fx.sim.faults.add({ kind: 'status', status: 401, endpoint: 'GET /v1/groups' });

    // Act
    const record = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(record.outcome).toBe('failed');
    expect(record.error).toMatch(
      /rejected the API key \(HTTP 401\).*Update FIVETRAN_API_KEY\/FIVETRAN_API_SECRET/,
    );
    expect(record.items_written).toBe(0);
    expect(await snapshot(fx)).toBe(before);
  });

  it('rejects a wrong key with the same message, without retrying', async () => {
    // Act
    const record = await fx.sweep({
      fivetran: { ...fx.deps().fivetran, credential: { apiKey: 'wrong', apiSecret: 'wrong' } },
    });

    // Assess
    expect(record.outcome).toBe('failed');
    expect(record.requests).toEqual({ total: 1, by_status: { '401': 1 } });
    expect(record.error).not.toContain('wrong');
  });

  it('goes on with a rotated credential when the source has a new one after a 401', async () => {
    // Prepare
    const reads: string[] = [];
    const source = {
      get: async () => {
        reads.push('get');
        return { apiKey: 'old-key', apiSecret: 'old-secret' };
      },
      refresh: async () => {
        reads.push('refresh');
        return fx.sim.credential;
      },
    };

    // Act
    const record = await fx.sweep({
      schemaRequestBudget: 0,
      fivetran: { ...fx.deps().fivetran, credential: source },
    });

    // Assess
    expect(reads).toEqual(['get', 'refresh']);
    expect(record.outcome).toBe('succeeded');
    expect(record.requests.by_status['401']).toBe(1);
    expect(record.connections_written).toBe(40);
  });
});
