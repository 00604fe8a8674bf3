import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABANDONED_SWEEP_ERROR } from '#commons/store/repositories/abandoned-sweep';
import type { SweepRecord } from '#commons/store/repositories/sweeps';
import { sweepKey } from '#commons/store/table/keys';
import { manualClock, type SweepFixture, startSweepFixture } from '../sweep/sweep-fixture.ts';

const CONNECTIONS = 1_100;

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A sweep process that dies mid-way leaves its lease and a `running` record behind, and never writes again.
 * Here it is frozen instead (its second listing page never answers), which looks the same from outside, and
 * can be thawed later to play the zombie that wakes up after the next sweep took over.
 */
describe('crash: a sweep interrupted mid-way is finished by the next one', () => {
  const clock = manualClock();
  let fx: SweepFixture;
  let frozenId: string;
  let frozenDone: Promise<SweepRecord>;
  let thaw: () => void = () => {};
  let busyWhileLeased: { status: string; id: string };
  let next: SweepRecord;

  beforeAll(async () => {
    // Prepare
    fx = await startSweepFixture({ seed: 'interrupted', groups: 4, connections: CONNECTIONS });
    const gate = new Promise<void>((resolve) => {
      thaw = resolve;
    });
    let frozen = false;
    const freezingFetch: typeof fetch = async (input, init) => {
      if (!frozen && String(input).includes('/v1/connections?') && String(input).includes('cursor=')) {
        frozen = true;
        await gate;
      }
      return fetch(input, init);
    };
    const started = await fx.start({
      schemaRequestBudget: 0,
      now: clock.now,
      fivetran: { ...fx.deps().fivetran, fetch: freezingFetch, timeoutMs: 3_600_000 },
    });
    if (started.status !== 'started') throw new Error('the first sweep did not start');
    frozenId = started.id;
    frozenDone = started.done;
    await until(
      async () => frozen && (await fx.repositories.connections.readAll()).size >= 1_000,
      'page one written',
    );

    // Act: another sweep while the lease is held, then one after it expired.
    const busy = await fx.start({ schemaRequestBudget: 0, now: clock.now });
    busyWhileLeased = { status: busy.status, id: busy.id };
    clock.advance(11 * 60_000);
    next = await fx.sweep({ schemaRequestBudget: 0, now: clock.now });
  }, 120_000);
  afterAll(async () => {
    thaw();
    await fx.close();
  });

  it('left half the account written, a running record and the lease when it stopped', () => {
    // Assess
    expect(busyWhileLeased).toEqual({ status: 'busy', id: frozenId });
  });

  it('is recorded failed by the next sweep once its lease expired; that sweep completes the account', async () => {
    // Act
    const { Item } = await fx.table.client.send(
      new GetCommand({ TableName: fx.table.tableName, Key: sweepKey(frozenId), ConsistentRead: true }),
    );
    const stored = await fx.repositories.connections.readAll();

    // Assess
    expect(Item).toMatchObject({ outcome: 'failed', error: ABANDONED_SWEEP_ERROR });
    expect(next).toMatchObject({
      outcome: 'succeeded',
      connections_seen: CONNECTIONS,
      connections_deleted: 0,
    });
    expect(stored.size).toBe(CONNECTIONS);
    expect([...stored.values()].filter((entry) => entry.value?.deleted_at)).toEqual([]);
  });

  it('does no harm when the frozen sweep wakes up late: nothing deleted, and a clean sweep finds nothing to write', async () => {
    // Act
    thaw();
    await frozenDone;
    const stored = await fx.repositories.connections.readAll();
    const after = await fx.sweep({ schemaRequestBudget: 0, now: clock.now });

    // Assess
    expect(stored.size).toBe(CONNECTIONS);
    expect([...stored.values()].filter((entry) => entry.value?.deleted_at)).toEqual([]);
    expect(after).toMatchObject({ outcome: 'succeeded', items_written: 0 });
  });
});
