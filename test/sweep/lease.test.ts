import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSweeps } from '#commons/read/sweeps';
import { ABANDONED_SWEEP_ERROR } from '#commons/store/repositories/abandoned-sweep';
import { type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

async function records(fx: SweepFixture) {
  return (await listSweeps(fx.repositories, { limit: 100, cursor: null })).items;
}

describe('one sweep at a time', () => {
  let fx: SweepFixture;

  beforeEach(async () => {
    fx = await startSweepFixture({ seed: 17, groups: 2, connections: 10 });
  });
  afterEach(() => fx.close());

  it('answers busy, naming the running sweep, while one holds the lease; then lets the next one in', async () => {
    // Prepare: every API answer takes a while, so the first sweep is still running.
    fx.sim.knobs.latencyMs = 60;
    const first = await fx.start({ schemaRequestBudget: 0 });
    if (first.status !== 'started') throw new Error('the first sweep did not start');

    // Act
    const second = await fx.start({ schemaRequestBudget: 0 });
    const lease = await fx.repositories.sweepLease.readActive(Date.now());
    const running = await records(fx);
    const finished = await first.done;
    fx.sim.knobs.latencyMs = 0;
    const third = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(second).toEqual({ status: 'busy', id: first.id });
    expect(lease?.sweep_id).toBe(first.id);
    expect(running).toMatchObject([{ id: first.id, outcome: 'running', finished_at: null }]);
    expect(finished.outcome).toBe('succeeded');
    expect(third.outcome).toBe('succeeded');
    expect(await fx.repositories.sweepLease.readActive(Date.now())).toBeNull();
    expect((await records(fx)).map((r) => r.id)).toEqual([third.id, first.id]);
  });

  it('records a sweep whose lease expired without finishing as failed, and takes the lease over', async () => {
    // Prepare: a sweep that took the lease, wrote "running", and died.
    const startedMs = Date.now() - 20 * 60_000;
    await fx.repositories.sweepLease.acquire({
      sweepId: 'dead-sweep',
      nowMs: startedMs,
      durationMs: 15 * 60_000,
    });
    await fx.repositories.sweeps.put({
      id: 'dead-sweep',
      started_at: new Date(startedMs).toISOString(),
      finished_at: null,
      outcome: 'running',
      requests: { total: 3, by_status: { '200': 3 } },
      connections_seen: 0,
      connections_written: 0,
      connections_deleted: 0,
      schema_fetches: 0,
      items_written: 0,
      connections_skipped: [],
      connections_skipped_total: 0,
      webhook_active: null,
      error: null,
      error_code: null,
      items_unreadable: [],
      items_unreadable_total: 0,
      history: null,
      request_budget: null,
    });

    // Act
    const next = await fx.sweep({ schemaRequestBudget: 0 });
    const all = await records(fx);

    // Assess
    expect(next.outcome).toBe('succeeded');
    expect(all.find((r) => r.id === 'dead-sweep')).toMatchObject({
      outcome: 'failed',
      error: ABANDONED_SWEEP_ERROR,
      finished_at: next.started_at,
    });
  });

  it('does not take a lease that has not expired, however old the record', async () => {
    // Prepare
    await fx.repositories.sweepLease.acquire({
      sweepId: 'live-sweep',
      nowMs: Date.now(),
      durationMs: 60_000,
    });

    // Act
    const attempt = await fx.start();

    // Assess
    expect(attempt).toEqual({ status: 'busy', id: 'live-sweep' });
  });

  it('lets exactly one of two sweeps started together run', async () => {
    // Act
    const results = await Promise.all([
      fx.start({ schemaRequestBudget: 0 }),
      fx.start({ schemaRequestBudget: 0 }),
    ]);
    const started = results.filter((r) => r.status === 'started');
    await Promise.all(started.map((r) => (r.status === 'started' ? r.done : null)));

    // Assess
    expect(started).toHaveLength(1);
    expect(results.find((r) => r.status === 'busy')?.id).toBe(started[0]?.id);
  });

  it('uses a pre-assigned id (the api Lambda’s async invoke)', async () => {
    // Act
    const record = await fx.sweep({ sweepId: 'from-api-123', schemaRequestBudget: 0 });

    // Assess
    expect(record.id).toBe('from-api-123');
    expect((await records(fx))[0]?.id).toBe('from-api-123');
  });
});

describe('the time budget', () => {
  let fx: SweepFixture;

  beforeEach(async () => {
    fx = await startSweepFixture({ seed: 19, groups: 2, connections: 20 });
  });
  afterEach(() => fx.close());

  it('stops the schema phase before the deadline: partial, the listing kept, the rest next time', async () => {
    // Prepare: plenty of time until the schema phase starts, then none.
    let left = 600_000;
    const onProgress = (p: { phase: string; schema_fetches: number }) => {
      if (p.phase === 'schemas' && p.schema_fetches >= 3) left = 0;
    };

    // Act
    const cut = await fx.sweep({ remainingMs: () => left, safetyMarginMs: 0, concurrency: 1, onProgress });
    const next = await fx.sweep();

    // Assess
    expect(cut.outcome).toBe('partial');
    expect(cut.error).toMatch(/time budget ran out while fetching schemas/);
    expect(cut.connections_written).toBe(20);
    expect(cut.schema_fetches).toBeLessThan(20);
    expect(next.schema_fetches).toBe(20 - cut.schema_fetches);
    expect(next.outcome).toBe('succeeded');
  });

  it('fails (and deletes nothing) when time runs out before the listing completes', async () => {
    // Prepare: less time than the safety margin from the start.
    await fx.sweep({ schemaRequestBudget: 0 });
    fx.sim.removeConnection([...fx.sim.account.connections.keys()][0] as string);

    // Act
    const record = await fx.sweep({ remainingMs: () => 5_000, safetyMarginMs: 10_000 });

    // Assess
    expect(record.outcome).toBe('failed');
    expect(record.error).toMatch(/time budget ran out/);
    expect(record.connections_deleted).toBe(0);
  });
});
