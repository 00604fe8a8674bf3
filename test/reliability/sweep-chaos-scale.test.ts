import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SweepFixture, startSweepFixture } from '../sweep/sweep-fixture.ts';
import { addChaos, type ChaosRun, describeRun, sweepUntilSucceeded } from './support/chaos.ts';
import { recordFigure } from './support/figures.ts';

/**
 * 5,000 by default (five listing pages) to keep `npm test` fast: a first sweep's cost is the item writes, and
 * 10,000 takes over a minute on a busy 2-core machine. `CHAOS_CONNECTIONS=10000` runs the full size.
 */
const CONNECTIONS = Number(process.env.CHAOS_CONNECTIONS ?? 5_000);

describe(`sweep faults at scale: ${CONNECTIONS.toLocaleString('en')} connections from an empty table, through chaos`, () => {
  let fx: SweepFixture;
  let run: ChaosRun;
  let seconds: number;

  beforeAll(async () => {
    // Prepare
    fx = await startSweepFixture({ seed: 'chaos-scale', groups: 40, connections: CONNECTIONS });
    addChaos(fx.sim);

    // Act
    const started = performance.now();
    run = await sweepUntilSucceeded(fx, { maxSweeps: 8 });
    seconds = (performance.now() - started) / 1000;
  }, 300_000);
  afterAll(() => fx.close());

  it('converges within a few sweeps and never marks anything deleted on the way', async () => {
    // Assess
    recordFigure('sweep chaos at scale', {
      connections: CONNECTIONS,
      sweeps: run.records.map((r) => ({ outcome: r.outcome, requests: r.requests, error: r.error })),
      seconds: Number(seconds.toFixed(1)),
    });
    expect(run.records.at(-1)?.outcome, describeRun(run)).toBe('succeeded');
    expect(run.records.length).toBeLessThanOrEqual(8);
    for (const deleted of run.deletedAfter) expect(deleted).toEqual([]);
    const stored = await fx.repositories.connections.readAll();
    expect(stored.size).toBe(CONNECTIONS);
    expect([...stored.keys()].sort()).toEqual([...fx.sim.account.connections.keys()].sort());
  });

  it('leaves the state a clean sweep would: one more clean sweep writes nothing', async () => {
    // Prepare
    fx.sim.faults.clear();

    // Act
    const record = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(record.outcome).toBe('succeeded');
    expect(record.items_written).toBe(0);
  });
});
