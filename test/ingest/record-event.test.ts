import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '#commons/lib/schema-version';
import {
  creationProbe,
  dbtRunFailed,
  syncEndFailureWithTask,
  syncEndSuccessful,
  webhookTestSyncEnd,
} from '../fixtures/webhook-payloads.ts';
import { delivery, events, record, type StoreFixture, startStoreFixture } from '../support/store-fixture.ts';

describe('Store: recordEvent', () => {
  let fx: StoreFixture;
  beforeEach(async () => {
    fx = await startStoreFixture();
  });
  afterEach(async () => {
    await fx.close();
  });

  it('creates an unknown connection from the event’s own fields', async () => {
    // Prepare
    const d = delivery(syncEndSuccessful);

    // Act
    const result = await record(fx.recorder, d);

    // Assess
    expect(result.duplicate).toBe(false);
    const connection = await fx.repositories.connections.get('assimilate_seem');
    expect(connection).toMatchObject({
      id: 'assimilate_seem',
      group_id: 'inappropriate_implode',
      service: 'google_cloud_postgresql',
      schema: 'ftar_pg',
      paused: false,
      deleted_at: null,
      health: 'healthy',
      schema_version: SCHEMA_VERSION,
      last_sync: {
        sync_id: 'b4703f73-6315-4e22-8d7a-3bfb18b2fed2',
        status: 'SUCCESSFUL',
        started_at: null,
        ended_at: '2026-05-22T00:06:08.638Z',
        reason: null,
        source: 'webhook',
      },
    });
    expect(connection?.last_completed_sync).toEqual(connection?.last_sync);
    expect(fx.changes).toEqual([
      expect.objectContaining({ connection_id: 'assimilate_seem', previous: null }),
    ]);
  });

  it('keeps a duplicate delivery once and reports it as a duplicate', async () => {
    // Prepare
    const d = delivery(syncEndFailureWithTask);
    // The same event re-serialised with other key order and whitespace is the same event.
    const parsed = JSON.parse(syncEndFailureWithTask) as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(parsed).reverse());
    const reordered = delivery(JSON.stringify(reversed, null, 2));

    // Act
    const first = await record(fx.recorder, d);
    const second = await record(fx.recorder, d);
    const third = await record(fx.recorder, reordered);

    // Assess
    expect([first.duplicate, second.duplicate, third.duplicate]).toEqual([false, true, true]);
    const page = await fx.repositories.events.listOfConnection('empty_bount', { limit: 10, cursor: null });
    expect(page.items).toHaveLength(1);
    const runs = await fx.repositories.syncRuns.listRecent('empty_bount');
    expect(runs).toEqual([
      expect.objectContaining({
        status: 'FAILURE_WITH_TASK',
        task_type: 'reconnect_warehouse',
        reason: expect.stringContaining('innodb'),
      }),
    ]);
    expect(fx.changes).toHaveLength(1);
  });

  it('lets the newest sync_end win when they arrive out of order', async () => {
    // Prepare
    const c = events('conn_ooo');
    const newer = c.syncEnd('sync-2', '2026-06-01T10:00:00.000Z', 'SUCCESSFUL');
    const older = c.syncEnd('sync-1', '2026-06-01T09:00:00.000Z', 'FAILURE', { reason: 'boom' });

    // Act
    await record(fx.recorder, newer);
    await record(fx.recorder, older);

    // Assess
    const connection = await fx.repositories.connections.get('conn_ooo');
    expect(connection?.last_sync).toMatchObject({ sync_id: 'sync-2', status: 'SUCCESSFUL' });
    expect(connection?.last_completed_sync).toMatchObject({ sync_id: 'sync-2', status: 'SUCCESSFUL' });
    expect(connection?.health).toBe('healthy');
    const runs = await fx.repositories.syncRuns.listRecent('conn_ooo');
    expect(runs.map((run) => [run.sync_id, run.status])).toEqual([
      ['sync-2', 'SUCCESSFUL'],
      ['sync-1', 'FAILURE'],
    ]);
  });

  it('compares timestamps as instants, not as strings', async () => {
    // Prepare: as strings "…T10:30:00+02:00" > "…T09:00:00.000Z", but as instants it is 08:30Z, older.
    const c = events('conn_tz');
    const newer = c.syncEnd('sync-b', '2026-06-01T09:00:00.000Z', 'SUCCESSFUL');
    const older = c.syncEnd('sync-a', '2026-06-01T10:30:00+02:00', 'FAILURE');

    // Act
    await record(fx.recorder, newer);
    await record(fx.recorder, older);

    // Assess
    expect((await fx.repositories.connections.get('conn_tz'))?.last_sync?.sync_id).toBe('sync-b');
  });

  it('takes a successful sync_end over an earlier failed one of the same sync, in either order', async () => {
    for (const order of ['failed-first', 'succeeded-first'] as const) {
      // Prepare
      const c = events(`conn_retry_${order}`);
      const failed = c.syncEnd('sync-r', '2026-06-01T10:00:00.000Z', 'FAILED');
      const succeeded = c.syncEnd('sync-r', '2026-06-01T10:05:00.000Z', 'SUCCESSFUL');
      const sequence = order === 'failed-first' ? [failed, succeeded] : [succeeded, failed];

      // Act
      for (const d of sequence) await record(fx.recorder, d);

      // Assess
      const connection = await fx.repositories.connections.get(`conn_retry_${order}`);
      expect(connection?.last_sync).toMatchObject({
        status: 'SUCCESSFUL',
        ended_at: '2026-06-01T10:05:00.000Z',
      });
      expect(connection?.health).toBe('healthy');
      const runs = await fx.repositories.syncRuns.listRecent(`conn_retry_${order}`);
      expect(runs).toEqual([expect.objectContaining({ sync_id: 'sync-r', status: 'SUCCESSFUL' })]);
    }
  });

  it('marks a newer sync_start as SYNCING without touching the last completed sync or health', async () => {
    // Prepare
    const c = events('conn_syncing');
    await record(fx.recorder, c.syncStart('sync-1', '2026-06-01T09:00:00.000Z'));
    await record(
      fx.recorder,
      c.syncEnd('sync-1', '2026-06-01T09:10:00.000Z', 'FAILURE', { reason: 'timeout' }),
    );
    const before = await fx.repositories.connections.get('conn_syncing');

    // Act
    await record(fx.recorder, c.syncStart('sync-2', '2026-06-01T10:00:00.000Z'));

    // Assess
    const after = await fx.repositories.connections.get('conn_syncing');
    expect(before?.health).toBe('failing');
    expect(after?.last_sync).toMatchObject({
      sync_id: 'sync-2',
      status: 'SYNCING',
      started_at: '2026-06-01T10:00:00.000Z',
      ended_at: null,
    });
    expect(after?.last_completed_sync).toEqual(before?.last_completed_sync);
    expect(after?.last_completed_sync).toMatchObject({
      sync_id: 'sync-1',
      status: 'FAILURE',
      started_at: '2026-06-01T09:00:00.000Z',
      reason: 'timeout',
    });
    expect(after?.health).toBe('failing');
    const runs = await fx.repositories.syncRuns.listRecent('conn_syncing');
    expect(runs[0]).toMatchObject({ sync_id: 'sync-2', status: 'SYNCING' });
    expect(runs[1]).toMatchObject({ sync_id: 'sync-1', status: 'FAILURE', duration_s: 600 });
  });

  it('ignores a sync_start older than the completed sync, but fills in its start', async () => {
    // Prepare
    const c = events('conn_late_start');
    await record(fx.recorder, c.syncEnd('sync-1', '2026-06-01T09:10:00.000Z', 'SUCCESSFUL'));

    // Act
    await record(fx.recorder, c.syncStart('sync-1', '2026-06-01T09:00:00.000Z'));

    // Assess
    const connection = await fx.repositories.connections.get('conn_late_start');
    expect(connection?.last_sync).toMatchObject({
      status: 'SUCCESSFUL',
      started_at: '2026-06-01T09:00:00.000Z',
    });
    expect((await fx.repositories.syncRuns.listRecent('conn_late_start'))[0]).toMatchObject({
      duration_s: 600,
    });
  });

  it('follows lifecycle events, newest fact first, so a late older pause does not undo a newer resume', async () => {
    // Prepare
    const c = events('conn_life');
    await record(fx.recorder, c.lifecycle('create_connector', '2026-06-01T08:00:00.000Z'));
    await record(fx.recorder, c.lifecycle('pause_connector', '2026-06-01T09:00:00.000Z'));
    const paused = await fx.repositories.connections.get('conn_life');

    // Act
    await record(fx.recorder, c.lifecycle('resume_connector', '2026-06-01T11:00:00.000Z'));
    await record(fx.recorder, c.lifecycle('pause_connector', '2026-06-01T10:00:00.000Z'));

    // Assess
    const resumed = await fx.repositories.connections.get('conn_life');
    expect(paused).toMatchObject({ paused: true, health: 'paused', created_at: '2026-06-01T08:00:00.000Z' });
    // Created but never synced: a new connection is pending, not failing and not yet healthy.
    expect(resumed).toMatchObject({
      paused: false,
      health: 'pending',
      health_reason: { code: 'first_sync_pending' },
    });
    expect(fx.changes.map((change) => [change.previous, change.health])).toEqual([
      [null, 'pending'],
      ['pending', 'paused'],
      ['paused', 'pending'],
    ]);
  });

  it('marks a deleted connection, keeps its health, hides it from default lists, and ignores an older creation', async () => {
    // Prepare
    const c = events('conn_gone');
    await record(fx.recorder, c.syncEnd('sync-1', '2026-06-01T09:00:00.000Z', 'FAILURE'));

    // Act
    await record(fx.recorder, c.lifecycle('delete_connector', '2026-06-01T10:00:00.000Z'));
    await record(fx.recorder, c.lifecycle('create_connector', '2026-05-01T10:00:00.000Z'));

    // Assess
    const gone = await fx.repositories.connections.get('conn_gone');
    expect(gone).toMatchObject({
      deleted_at: '2026-06-01T10:00:00.000Z',
      health: 'failing',
      created_at: '2026-05-01T10:00:00.000Z',
    });
    const active = await fx.repositories.connections.list({ deleted: 'false' }, { limit: 10, cursor: null });
    const deleted = await fx.repositories.connections.list({ deleted: 'true' }, { limit: 10, cursor: null });
    expect(active.items.map((item) => item.id)).not.toContain('conn_gone');
    expect(deleted.items.map((item) => item.id)).toEqual(['conn_gone']);
  });

  it('stores events for Fivetran’s dummy ids without creating or changing any connection', async () => {
    // Prepare
    const dummies = [delivery(webhookTestSyncEnd), delivery(creationProbe)];

    // Act
    for (const d of dummies) await record(fx.recorder, d);

    // Assess
    expect(await fx.repositories.connections.get('_connector_1')).toBeNull();
    const all = await fx.repositories.connections.list({ deleted: 'any' }, { limit: 10, cursor: null });
    expect(all.items).toEqual([]);
    const stored = await fx.repositories.events.list({}, { limit: 10, cursor: null });
    expect(stored.items.map((item) => item.event).sort()).toEqual(['sync_end', 'test_event']);
    expect(fx.changes).toEqual([]);
  });

  it('stores account-level events and lists them, filtered by event and group', async () => {
    // Prepare
    await record(fx.recorder, delivery(dbtRunFailed));
    await record(fx.recorder, delivery(syncEndSuccessful));

    // Act
    const dbt = await fx.repositories.events.list({ event: 'dbt_run_failed' }, { limit: 10, cursor: null });
    const byGroup = await fx.repositories.events.list(
      { group_id: 'deck_enjoy' },
      { limit: 10, cursor: null },
    );

    // Assess
    expect(dbt.items).toHaveLength(1);
    expect(dbt.items[0]).toMatchObject({
      event: 'dbt_run_failed',
      connection_id: null,
      group_id: 'deck_enjoy',
    });
    expect(JSON.parse(dbt.items[0]?.body ?? '{}').data.dbtJobName).toBe('at8_30');
    expect(byGroup.items.map((item) => item.event)).toEqual(['dbt_run_failed']);
  });
});
