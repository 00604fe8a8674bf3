import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SweepFixture, startSweepFixture } from '../sweep/sweep-fixture.ts';
import { addChaos, type ChaosRun, describeRun, sweepUntilSucceeded } from './support/chaos.ts';
import { recordFigure } from './support/figures.ts';
import { type Item, itemsOfKind, scanTable, sorted } from './support/table-snapshot.ts';

/** One instant for both accounts and every sweep, so the two tables can be compared item by item. */
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const now = () => NOW;
const ACCOUNT = { seed: 'chaos', groups: 8, connections: 1_200, now };
/** Deleted at Fivetran between sweeps: each must be confirmed one by one, under the same chaos. */
const REMOVED_COUNT = 40;
const PAUSED_COUNT = 20;

/** Connections and groups as the table holds them (item versions count writes, so they are left out). */
async function state(fx: SweepFixture): Promise<[string, Item][]> {
  const items = await scanTable(fx.table);
  return sorted(itemsOfKind(items, (sk) => sk === 'CONNECTION' || sk === 'GROUP', ['version']));
}

/** A first clean sweep, then the account moves on: some connections deleted, some paused. */
async function sweptAccountLosingSome(): Promise<{ fx: SweepFixture; removed: string[] }> {
  const fx = await startSweepFixture(ACCOUNT);
  await fx.sweep({ schemaRequestBudget: 0, now });
  const ids = [...fx.sim.account.connections.keys()].sort();
  const removed = ids.slice(0, REMOVED_COUNT);
  for (const id of removed) fx.sim.removeConnection(id);
  for (const id of ids.slice(REMOVED_COUNT, REMOVED_COUNT + PAUSED_COUNT)) {
    if (!fx.sim.account.connections.get(id)?.paused) fx.sim.pauseConnection(id);
  }
  return { fx, removed };
}

describe('sweep faults: 1,200 connections (two listing pages), 40 deleted and 20 paused at Fivetran, which misbehaves on every endpoint', () => {
  let truth: [string, Item][];
  let chaotic: SweepFixture;
  let removed: string[];
  let run: ChaosRun;

  beforeAll(async () => {
    // Prepare: the same account twice. One is swept cleanly (the truth), the other through chaos.
    const clean = await sweptAccountLosingSome();
    const cleanRecord = await clean.fx.sweep({ schemaRequestBudget: 0, now });
    expect(cleanRecord.connections_deleted).toBe(REMOVED_COUNT);
    truth = await state(clean.fx);
    await clean.fx.close();
    ({ fx: chaotic, removed } = await sweptAccountLosingSome());
    // Besides the random faults, the first sweep's second listing page is certainly malformed.
    chaotic.sim.faults.add({ endpoint: 'GET /v1/connections', kind: 'malformed', skip: 1, times: 1 });
    addChaos(chaotic.sim, 1.5);

    // Act
    run = await sweepUntilSucceeded(chaotic, { maxSweeps: 8, now });
  }, 120_000);
  afterAll(() => chaotic.close());

  it('converges within a few sweeps, through real throttling, errors and bad pages', () => {
    // Assess
    recordFigure('sweep chaos vs clean', {
      connections: ACCOUNT.connections,
      removedAtFivetran: REMOVED_COUNT,
      sweeps: run.records.map((r) => ({ outcome: r.outcome, requests: r.requests, error: r.error })),
      deletedAfterEachSweep: run.deletedAfter.map((ids) => ids.length),
    });
    expect(run.records.at(-1)?.outcome, describeRun(run)).toBe('succeeded');
    expect(run.records.length).toBeLessThanOrEqual(8);
    expect(run.records[0]).toMatchObject({ outcome: 'failed', connections_deleted: 0 });
    expect(run.records[0]?.error).toMatch(/malformed/);
    const statuses = run.records.flatMap((record) => Object.keys(record.requests.by_status));
    expect(statuses.some((status) => status !== '200')).toBe(true);
  });

  it('never marks a connection deleted that Fivetran still has, after any sweep on the way', () => {
    // Assess
    expect(run.deletedAfter[0]).toEqual([]);
    for (const deleted of run.deletedAfter) {
      expect(
        deleted.every((id) => removed.includes(id)),
        deleted.join(', '),
      ).toBe(true);
    }
    expect(run.deletedAfter.at(-1)).toEqual(removed);
  });

  it('ends with every connection and group exactly as a clean sweep leaves them', async () => {
    // Assess
    expect(await state(chaotic)).toEqual(truth);
  });

  it('is a fixed point: one more clean sweep writes nothing', async () => {
    // Prepare
    chaotic.sim.faults.clear();

    // Act
    const record = await chaotic.sweep({ schemaRequestBudget: 0, now });

    // Assess
    expect(record.outcome).toBe('succeeded');
    expect(record.items_written).toBe(0);
    expect((await chaotic.repositories.connections.readAll()).size).toBe(ACCOUNT.connections);
  });
});
