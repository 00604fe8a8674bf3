import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '#commons/connection/connection';
import { connectionEvent } from '../../functions/simulator/event-payloads.ts';
import { delivery, record } from '../support/store-fixture.ts';
import { type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

describe('webhooks and sweeps, interleaved, never roll a connection back', () => {
  let fx: SweepFixture;
  let ids: string[];

  beforeEach(async () => {
    fx = await startSweepFixture({ seed: 13, groups: 2, connections: 20 });
    // Running connections only: a paused one cannot sync.
    ids = [...fx.sim.account.connections.values()]
      .filter((c) => !c.paused && c.status.setup_state === 'connected')
      .map((c) => c.id);
    await fx.sweep({ schemaRequestBudget: 0 });
  });
  afterEach(() => fx.close());

  const sweep = (overrides = {}) => fx.sweep({ schemaRequestBudget: 0, ...overrides });
  const connection = async (id: string) => (await fx.repositories.connections.get(id)) as Connection;
  /** The webhook Fivetran sent for something the simulator just did, delivered now. */
  const deliver = (payload: Record<string, unknown>) => record(fx.recorder, delivery(payload));
  const api = (id: string) =>
    fx.sim.account.connections.get(id) as NonNullable<ReturnType<typeof fx.sim.account.connections.get>>;

  it('ends in the same state whichever comes first for one sync: the webhook record (richer) stays', async () => {
    // Prepare: two connections fail the same way; one hears the webhook first, the other the sweep.
    const [a, b] = ids as [string, string];
    const endA = fx.sim.finishSync(a, 'FAILURE_WITH_TASK');
    const endB = fx.sim.finishSync(b, 'FAILURE_WITH_TASK');

    // Act
    await deliver(endA);
    await sweep();
    await deliver(endB);

    // Assess
    const [ca, cb] = [await connection(a), await connection(b)];
    for (const [c, end] of [
      [ca, endA],
      [cb, endB],
    ] as const) {
      expect(c.last_sync).toMatchObject({
        sync_id: end.sync_id,
        status: 'FAILURE_WITH_TASK',
        ended_at: end.created,
        source: 'webhook',
      });
      expect(c.last_completed_sync).toEqual(c.last_sync);
      expect(c.health).toBe('failing');
      expect(c.failed_at).toBe(end.created);
    }
  });

  it('keeps a newer sync_start (SYNCING) over the sweep’s older completed sync', async () => {
    // Prepare
    const id = ids[2] as string;
    const start = connectionEvent('sync_start', api(id), Date.now() + 1_000, { syncId: 'sync-newer' });
    await deliver(start);

    // Act
    await sweep();

    // Assess
    const c = await connection(id);
    expect(c.last_sync).toMatchObject({ status: 'SYNCING', sync_id: 'sync-newer', source: 'webhook' });
    expect(c.last_completed_sync?.source).toBe('api');
  });

  it('keeps the sweep’s newer success over a late, older failure webhook', async () => {
    // Prepare: the sync at T1 failed (its webhook is delayed); a later sync at T2 succeeded and the sweep saw it.
    const id = ids[3] as string;
    const lateFailure = connectionEvent('sync_end', api(id), Date.now() - 60_000, {
      syncId: 'sync-old',
      data: { status: 'FAILURE', reason: 'timeout' },
    });
    fx.sim.finishSync(id, 'SUCCESSFUL');
    await sweep();

    // Act
    await deliver(lateFailure);

    // Assess
    const c = await connection(id);
    expect(c.last_sync).toMatchObject({
      status: 'SUCCESSFUL',
      source: 'api',
      ended_at: api(id).succeeded_at,
    });
    expect(c.health).toBe('healthy');
  });

  it('lets a pause webhook newer than the sweep’s listing stand, and a newer listing resume it', async () => {
    // Prepare: Fivetran's REST view still says running; the pause webhook is dated after this sweep lists.
    const id = ids[4] as string;
    const listedAt = Date.now();
    await deliver(connectionEvent('pause_connector', api(id), listedAt + 60_000));

    // Act
    await sweep({ now: () => listedAt });
    const afterOlderListing = await connection(id);
    await sweep({ now: () => listedAt + 120_000 });
    const afterNewerListing = await connection(id);

    // Assess
    expect(afterOlderListing.paused).toBe(true);
    expect(afterOlderListing.health).toBe('paused');
    expect(afterNewerListing.paused).toBe(false);
  });

  it('writes nothing when a re-sweep only confirms what webhooks already said', async () => {
    // Prepare
    const id = ids[5] as string;
    await deliver(fx.sim.finishSync(id, 'SUCCESSFUL'));
    await sweep();
    const changes = fx.changes.length;

    // Act
    const again = await sweep();

    // Assess
    expect(again.items_written).toBe(0);
    expect(fx.changes.length).toBe(changes);
  });
});
