import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepRecord } from '#commons/store/repositories/sweeps';
import type { SweepProgress } from '#commons/sweep/sweep-context';
import { type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

describe('a full sweep of 2,500 connections', () => {
  let fx: SweepFixture;
  let first: SweepRecord;
  let second: SweepRecord;
  const phases: string[] = [];
  let changesAfterFirst = 0;

  beforeAll(async () => {
    fx = await startSweepFixture({ seed: 3, groups: 12, connections: 2_500 });
    // A group without a destination: its item says so.
    const [lonely] = [...fx.sim.account.groups.keys()];
    fx.sim.account.destinations.delete(lonely as string);
    first = await fx.sweep({
      schemaRequestBudget: 25,
      onProgress: (p: SweepProgress) => {
        if (phases.at(-1) !== p.phase) phases.push(p.phase);
      },
    });
    changesAfterFirst = fx.changes.length;
    fx.sim.requests.reset();
    second = await fx.sweep({ schemaRequestBudget: 0 });
  }, 60_000);
  afterAll(() => fx.close());

  it('stores every connection with the status from the list items', async () => {
    // Act
    const stored = await fx.repositories.connections.readAll();

    // Assess
    expect(first.connections_seen).toBe(2_500);
    expect(first.connections_written).toBe(2_500);
    expect(stored.size).toBe(2_500);
    for (const [id, api] of fx.sim.account.connections) {
      const connection = stored.get(id)?.value;
      expect(connection).toMatchObject({
        group_id: api.group_id,
        service: api.service,
        schema: api.schema,
        paused: api.paused,
        succeeded_at: api.succeeded_at ?? null,
        failed_at: api.failed_at ?? null,
        status: { setup_state: api.status.setup_state, update_state: api.status.update_state },
        deleted_at: null,
      });
    }
  });

  it('derives last_sync from the later of succeeded_at and failed_at, with source "api"', async () => {
    // Prepare
    const stored = await fx.repositories.connections.readAll();
    const both = [...fx.sim.account.connections.values()].find(
      (c) => c.succeeded_at && c.failed_at && Date.parse(c.failed_at) > Date.parse(c.succeeded_at),
    );
    if (!both) throw new Error('the generated account has no connection that failed after succeeding');

    // Act
    const connection = stored.get(both.id)?.value;

    // Assess
    expect(connection?.last_sync).toEqual({
      sync_id: null,
      status: 'FAILURE',
      started_at: null,
      ended_at: both.failed_at,
      reason: null,
      source: 'api',
    });
    expect(connection?.health).toBe('failing');
  });

  it('stores groups with their destination (null when the group has none)', async () => {
    // Act
    const groups = await fx.repositories.groups.readAll();

    // Assess
    expect(groups.size).toBe(12);
    const withDestination = [...groups.values()].filter((g) => g.destination !== null);
    expect(withDestination).toHaveLength(11);
    const sample = withDestination[0];
    const api = fx.sim.account.destinations.get(sample?.id as string);
    expect(sample?.destination).toEqual({
      id: api?.id,
      service: api?.service,
      region: api?.region,
      setup_status: api?.setup_status,
      time_zone_offset: api?.time_zone_offset,
    });
  });

  it('makes the fewest requests the API allows: one page per 1,000, no per-connection calls', () => {
    // Assess: 1 groups page + 1 destinations page + 3 connection pages + 1 transformations page, plus the
    // schema budget.
    expect(first.requests.total).toBe(1 + 1 + 3 + 1 + 25);
    expect(second.requests.total).toBe(1 + 1 + 3 + 1);
    expect(fx.sim.requests.snapshot().by_endpoint['GET /v1/connections/{id}']).toBeUndefined();
  });

  it('writes nothing and notifies nothing when the account has not changed', () => {
    // Assess
    expect(second.outcome).toBe('succeeded');
    expect(second.items_written).toBe(0);
    expect(second.connections_written).toBe(0);
    expect(fx.changes.length).toBe(changesAfterFirst);
  });

  it('reports its phases and ends partial when the schema budget runs out', () => {
    // Assess
    expect(phases).toEqual(['groups', 'connections', 'deletions', 'schemas', 'done']);
    expect(first.outcome).toBe('partial');
    expect(first.error).toMatch(/schema request budget \(25\).*2,?475 left/);
    expect(first.schema_fetches).toBe(25);
  });

  it('counts every item it wrote: connections, groups, schemas, destination tables and transformations', async () => {
    // Prepare: the fetched schemas' tables, one table-set record per connection that has a schema.
    const freshness = await fx.repositories.schemas.readFreshness();
    const present = [...freshness.values()].filter((f) => f.state === 'present');
    let tables = 0;
    for (const schema of present) {
      tables += (await fx.repositories.tables.readSet(schema.connection_id))?.tables.length ?? 0;
    }
    const transformations = (await fx.repositories.transformations.readAll()).size;

    // Assess
    expect(tables).toBeGreaterThan(0);
    expect(transformations).toBe(fx.sim.account.transformations.size);
    expect(first.items_written).toBe(2_500 + 12 + 25 + tables + present.length + transformations);
  });
});
