import { afterEach, describe, expect, it } from 'vitest';
import { type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

describe('the sweep reads transformations within the hourly budget', () => {
  let fx: SweepFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('lists them once per sweep, counted as an optional request, and writes only what changed', async () => {
    // Prepare
    fx = await startSweepFixture({ seed: 7, groups: 3, connections: 12 });

    // Act
    const first = await fx.sweep({ schemaRequestBudget: 0 });
    const stored = await fx.repositories.transformations.readAll();
    const second = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect([...stored.keys()].sort()).toEqual([...fx.sim.account.transformations.keys()].sort());
    expect(first.request_budget?.optional_used).toBe(1);
    expect(first.items_written).toBeGreaterThanOrEqual(stored.size);
    expect(second.items_written).toBe(0);
    const failed = [...stored.values()].find((t) => t.value?.status === 'FAILED')?.value;
    expect(failed).toMatchObject({ health: 'failing', health_reason: { code: 'transformation_failed' } });
  });

  it('leaves them for the next sweep when the hourly budget is spent, saying so', async () => {
    // Prepare: 3 requests an hour, all taken by the listing (groups, destinations, connections).
    fx = await startSweepFixture({ seed: 7, groups: 3, connections: 12 });

    // Act
    const record = await fx.sweep({ schemaRequestBudget: 0, requestsPerHour: 3 });

    // Assess
    expect(record.outcome).toBe('partial');
    expect(record.error).toMatch(/transformations: the hourly request budget was spent/);
    expect(fx.sim.requests.snapshot().by_endpoint['GET /v1/transformations']).toBeUndefined();
    expect((await fx.repositories.transformations.readAll()).size).toBe(0);
  });

  it('takes an account without the endpoint (404) as nothing to list, and still succeeds', async () => {
    // Prepare
    fx = await startSweepFixture({ seed: 7, groups: 3, connections: 12 });
    fx.sim.faults.add({ kind: 'status', status: 404, endpoint: 'GET /v1/transformations', times: 1 });

    // Act
    const record = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(record.outcome).toBe('succeeded');
    expect(record.error).toMatch(/transformations: not served/);
  });
});
