import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { delivery, events, record, type StoreFixture, startStoreFixture } from '../support/store-fixture.ts';

/** Every documented webhook event has an effect (ARCHITECTURE.md, "Every documented webhook event…"). */
describe('Webhook events: each documented type has its effect', () => {
  let fx: StoreFixture;
  const c = events('conn_fx');
  const get = () => fx.repositories.connections.get('conn_fx');
  const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 10, minute)).toISOString();
  const withData = (event: string, minute: number, data: Record<string, unknown>) =>
    delivery({
      event,
      created: at(minute),
      connector_type: 'postgres',
      connector_id: 'conn_fx',
      connector_name: 'conn_fx_schema',
      destination_group_id: 'group_a',
      data,
    });

  beforeEach(async () => {
    fx = await startStoreFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('sync_start: the connection is syncing and its run has begun', async () => {
    // Act
    await record(fx.recorder, c.syncStart('s1', at(0)));
    // Assess
    expect(await get()).toMatchObject({ last_sync: { sync_id: 's1', status: 'SYNCING', started_at: at(0) } });
    expect(await fx.repositories.syncRuns.listRecent('conn_fx')).toMatchObject([
      { sync_id: 's1', status: 'SYNCING' },
    ]);
  });

  it('sync_end: the run ends; FAILED (seen live) makes the connection failing with its reason', async () => {
    // Act
    await record(fx.recorder, c.syncStart('s1', at(0)));
    await record(fx.recorder, c.syncEnd('s1', at(5), 'FAILED', { reason: 'Timed out reading pg_class' }));
    // Assess
    expect(await get()).toMatchObject({
      health: 'failing',
      health_reason: { code: 'sync_failed', message: 'Timed out reading pg_class', since: at(5) },
      last_completed_sync: { sync_id: 's1', status: 'FAILED', started_at: at(0), ended_at: at(5) },
    });
    expect(await fx.repositories.syncRuns.listRecent('conn_fx')).toMatchObject([{ duration_s: 300 }]);
  });

  it('connection_failure: failing at once with its reason, until connection_successful', async () => {
    // Prepare
    await record(fx.recorder, c.syncEnd('s1', at(0), 'SUCCESSFUL'));
    // Act
    await record(
      fx.recorder,
      withData('connection_failure', 5, { message: 'Authentication failed for user etl' }),
    );
    const failing = await get();
    await record(fx.recorder, c.lifecycle('connection_successful', at(9)));
    const cleared = await get();
    // Assess
    expect(failing).toMatchObject({
      health: 'failing',
      health_reason: {
        code: 'connection_failure',
        message: 'Authentication failed for user etl',
        since: at(5),
      },
    });
    expect(cleared).toMatchObject({ health: 'healthy', health_reason: null });
  });

  it('connection_failure: a newer successful sync clears it; an older one does not, whatever the order', async () => {
    // Act
    await record(fx.recorder, withData('connection_failure', 5, { reason: 'Host unreachable' }));
    await record(fx.recorder, c.syncEnd('s0', at(1), 'SUCCESSFUL'));
    const stillFailing = await get();
    await record(fx.recorder, c.syncEnd('s1', at(8), 'SUCCESSFUL'));
    // Assess
    expect(stillFailing).toMatchObject({ health: 'failing', health_reason: { code: 'connection_failure' } });
    expect(await get()).toMatchObject({ health: 'healthy' });
  });

  it('connection_successful arriving before an older connection_failure keeps the connection healthy', async () => {
    // Prepare
    await record(fx.recorder, c.syncEnd('s1', at(0), 'SUCCESSFUL'));
    // Act: Fivetran retried the older failure after the newer success got through.
    await record(fx.recorder, c.lifecycle('connection_successful', at(9)));
    await record(fx.recorder, withData('connection_failure', 5, { message: 'flaky' }));
    // Assess
    expect(await get()).toMatchObject({ health: 'healthy' });
  });

  it('pause_connector / resume_connector: paused, then back', async () => {
    // Act
    await record(fx.recorder, c.syncEnd('s1', at(0), 'SUCCESSFUL'));
    await record(fx.recorder, c.lifecycle('pause_connector', at(2)));
    const paused = await get();
    await record(fx.recorder, c.lifecycle('resume_connector', at(3)));
    // Assess
    expect(paused).toMatchObject({
      paused: true,
      health: 'paused',
      health_reason: { code: 'paused', since: at(2) },
    });
    expect(await get()).toMatchObject({ paused: false, health: 'healthy' });
  });

  it('create_connector: a new connection, pending until its first sync completes', async () => {
    // Act
    await record(fx.recorder, c.lifecycle('create_connector', at(0)));
    // Assess
    expect(await get()).toMatchObject({
      created_at: at(0),
      health: 'pending',
      health_reason: { code: 'first_sync_pending' },
    });
  });

  it('delete_connector: deleted (the sweep confirms), out of the default list, back on a newer creation', async () => {
    // Act
    await record(fx.recorder, c.syncEnd('s1', at(0), 'SUCCESSFUL'));
    await record(fx.recorder, c.lifecycle('delete_connector', at(1)));
    const listed = await fx.repositories.connections.list({ deleted: 'false' }, { limit: 10, cursor: null });
    const deleted = await get();
    await record(fx.recorder, c.lifecycle('create_connector', at(2)));
    // Assess
    expect(deleted?.deleted_at).toBe(at(1));
    expect(listed.items.map((item) => item.id)).not.toContain('conn_fx');
    expect((await get())?.deleted_at).toBeNull();
  });

  it.each([
    ['edit_connector', {}, null],
    ['resync_connector', {}, null],
    ['resync_table', { table: 'public.orders' }, 'public.orders'],
    ['force_update_connector', {}, null],
  ])('%s: recorded on the connection as its last action', async (event, data, table) => {
    // Act
    await record(fx.recorder, withData(event, 4, data));
    // Assess
    expect((await get())?.last_action).toEqual({ event, at: at(4), table });
  });

  it('keeps the newest action whatever order they arrive in', async () => {
    // Act
    await record(fx.recorder, withData('force_update_connector', 7, {}));
    await record(fx.recorder, withData('edit_connector', 3, {}));
    // Assess
    expect((await get())?.last_action).toMatchObject({ event: 'force_update_connector', at: at(7) });
  });

  it('dbt_run_* / transformation_*: stored and listed account-wide, touching no connection', async () => {
    // Act
    await record(
      fx.recorder,
      delivery({ event: 'dbt_run_failed', created: at(1), destination_group_id: 'group_a' }),
    );
    await record(
      fx.recorder,
      delivery({ event: 'transformation_succeeded', created: at(2), group_id: 'group_a' }),
    );
    // Assess
    const listed = await fx.repositories.events.list({}, { limit: 10, cursor: null });
    expect(listed.items.map((item) => item.event).sort()).toEqual([
      'dbt_run_failed',
      'transformation_succeeded',
    ]);
    expect(
      (await fx.repositories.connections.list({ deleted: 'any' }, { limit: 10, cursor: null })).items,
    ).toEqual([]);
  });

  it('an unknown event type is stored and listed, never rejected', async () => {
    // Act
    const result = await record(fx.recorder, c.lifecycle('status_changed_in_2030', at(1)));
    // Assess
    expect(result.duplicate).toBe(false);
    expect(
      (await fx.repositories.events.listOfConnection('conn_fx', { limit: 5, cursor: null })).items,
    ).toMatchObject([{ event: 'status_changed_in_2030' }]);
  });
});
