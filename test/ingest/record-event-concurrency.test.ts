import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unknownConnection } from '#commons/connection/connection';
import { syncEndSuccessful } from '../fixtures/webhook-payloads.ts';
import { delivery, events, record, type StoreFixture, startStoreFixture } from '../support/store-fixture.ts';

describe('Store: recordEvent under concurrency, and its housekeeping', () => {
  let fx: StoreFixture;
  beforeEach(async () => {
    fx = await startStoreFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('stores one event and one connection update out of 50 concurrent deliveries of the same event', async () => {
    // Prepare
    const d = delivery(syncEndSuccessful);

    // Act
    const results = await Promise.all(Array.from({ length: 50 }, () => record(fx.recorder, d)));

    // Assess
    expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
    const stored = await fx.repositories.events.list({}, { limit: 100, cursor: null });
    expect(stored.items).toHaveLength(1);
    expect(fx.changes).toHaveLength(1);
    expect((await fx.repositories.connections.get('assimilate_seem'))?.last_sync?.status).toBe('SUCCESSFUL');
  });

  it('loses no update when different events for one connection arrive concurrently', async () => {
    // Prepare: 20 syncs, each start and end, all delivered at once.
    const c = events('conn_busy');
    const deliveries = Array.from({ length: 20 }, (_, i) => {
      const minute = String(i).padStart(2, '0');
      return [
        c.syncStart(`s${minute}`, `2026-06-01T10:${minute}:00.000Z`),
        c.syncEnd(`s${minute}`, `2026-06-01T10:${minute}:30.000Z`, i === 19 ? 'FAILURE' : 'SUCCESSFUL'),
      ];
    }).flat();

    // Act: newest first, so a lost update would leave an older fact behind.
    await Promise.all(deliveries.reverse().map((d) => record(fx.recorder, d)));

    // Assess
    const connection = await fx.repositories.connections.get('conn_busy');
    expect(connection?.last_sync).toMatchObject({
      sync_id: 's19',
      status: 'FAILURE',
      started_at: '2026-06-01T10:19:00.000Z',
    });
    expect(connection?.health).toBe('failing');
    const runs = await fx.repositories.syncRuns.listRecent('conn_busy');
    expect(runs).toHaveLength(20);
    expect(
      runs.every((run) => run.started_at !== null && run.ended_at !== null && run.duration_s === 30),
    ).toBe(true);
  });

  it('updates last_webhook_at at most once a minute, and never moves it backwards', async () => {
    // Prepare
    const c = events('conn_stats');
    fx.clock.set('2026-06-01T12:00:00.000Z');
    await record(fx.recorder, c.syncStart('s1', '2026-06-01T11:59:00.000Z'));
    fx.clock.set('2026-06-01T12:00:30.000Z');
    await record(fx.recorder, c.syncStart('s1b', '2026-06-01T11:59:05.000Z'));
    const throttled = (await fx.repositories.accountStats.get()).last_webhook_at;
    fx.clock.set('2026-06-01T12:01:05.000Z');
    await record(fx.recorder, c.syncStart('s2', '2026-06-01T11:59:10.000Z'));
    const forward = (await fx.repositories.accountStats.get()).last_webhook_at;

    // Act: a writer whose clock is behind.
    fx.clock.set('2026-06-01T11:00:00.000Z');
    await record(fx.recorder, c.syncStart('s3', '2026-06-01T11:59:30.000Z'));

    // Assess
    expect(throttled).toBe('2026-06-01T12:00:00.000Z');
    expect(forward).toBe('2026-06-01T12:01:05.000Z');
    expect((await fx.repositories.accountStats.get()).last_webhook_at).toBe('2026-06-01T12:01:05.000Z');
  });

  it('counts a quarantined body once, however often it is delivered', async () => {
    // Prepare
    const body = Buffer.from('not json at all');

    // Act
    const first = await fx.recorder.recordQuarantine({ id: 'q1', reason: 'body is not valid JSON', body });
    const again = await fx.recorder.recordQuarantine({ id: 'q1', reason: 'body is not valid JSON', body });
    await fx.recorder.recordQuarantine({
      id: 'q2',
      reason: 'body is not a JSON object',
      body: Buffer.from('[1]'),
    });

    // Assess
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    expect((await fx.repositories.accountStats.get()).events_quarantined).toBe(2);
  });

  it('hides expired events and sync runs even though dynalite never deletes them', async () => {
    // Prepare
    const c = events('conn_old');
    await record(fx.recorder, c.syncEnd('s-old', '2026-06-01T09:00:00.000Z', 'SUCCESSFUL'));

    // Act
    fx.clock.advance(91 * 86_400_000);
    const events91 = await fx.repositories.events.listOfConnection('conn_old', { limit: 10, cursor: null });
    const runs91 = await fx.repositories.syncRuns.listRecent('conn_old');

    // Assess
    expect(events91.items).toEqual([]);
    expect(runs91).toEqual([]);
    expect((await fx.repositories.connections.get('conn_old'))?.last_sync?.sync_id).toBe('s-old');
  });

  it('applies every concurrent read-modify-write of one connection (optimistic concurrency)', async () => {
    // Prepare: 20 writers each add their own task to the same connection at once.
    const writers = Array.from({ length: 20 }, (_, i) => i);

    // Act
    await Promise.all(
      writers.map((i) =>
        fx.writer.save('conn_race', (current) => {
          const base = current ?? unknownConnection('conn_race', '2026-06-01T12:00:00.000Z');
          return {
            ...base,
            status: { ...base.status, tasks: [...base.status.tasks, { code: `task_${i}`, message: null }] },
          };
        }),
      ),
    );

    // Assess
    const connection = await fx.repositories.connections.get('conn_race');
    const tasks = (connection?.status.tasks ?? []) as { code: string }[];
    expect(tasks.map((task) => task.code).sort()).toEqual(writers.map((i) => `task_${i}`).sort());
    expect(connection?.health).toBe('failing');
  });
});
