import { afterEach, describe, expect, it } from 'vitest';
import { unknownConnection } from '#commons/connection/connection';
import { historyDue } from '#commons/sweep/history-due';
import { manualClock, type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

const MINUTE = 60_000;

describe('freshness recomputed by the sweep (time passes without events)', () => {
  let fx: SweepFixture;
  const clock = manualClock();
  afterEach(() => fx.close());

  const sweep = () => fx.sweep({ schemaRequestBudget: 0, now: clock.now });
  const stored = async (id: string) => {
    const connection = await fx.repositories.connections.get(id);
    if (connection === null) throw new Error(`no ${id}`);
    return connection;
  };
  /** A connection that just synced on a 60-minute schedule, with the given delay setting. */
  const justSynced = (sensitivity = 'NORMAL', threshold = 0) => {
    const connection = fx.sim.addConnection({ scenario: 'healthy' });
    Object.assign(connection, {
      sync_frequency: 60,
      daily_sync_time: null,
      schedule_type: 'auto',
      failed_at: null,
      data_delay_sensitivity: sensitivity,
      data_delay_threshold: threshold,
      succeeded_at: new Date(clock.now() - MINUTE).toISOString(),
    });
    connection.status.tasks = [];
    connection.status.warnings = [];
    return connection;
  };

  it('turns a connection with no success for ten schedules delayed/late, while Fivetran says on_schedule', async () => {
    // Prepare
    fx = await startSweepFixture({ seed: 3, groups: 1, connections: 2, now: clock.now });
    const normal = justSynced();
    const custom = justSynced('CUSTOM', 100_000);
    await sweep();
    const before = [await stored(normal.id), await stored(custom.id)];

    // Act: nine schedules pass, then ten and a bit, with no event and no change at Fivetran.
    clock.advance(9 * 60 * MINUTE);
    await sweep();
    const nine = [await stored(normal.id), await stored(custom.id)];
    clock.advance(61 * MINUTE);
    await sweep();
    const ten = [await stored(normal.id), await stored(custom.id)];

    // Assess
    for (const connection of before) expect(connection).toMatchObject({ health: 'healthy' });
    expect(before[0]?.freshness).toMatchObject({ expected_every_minutes: 60, late_by_minutes: 0 });
    // NORMAL tolerates one schedule past the due time: late after two.
    expect(nine[0]).toMatchObject({ health: 'delayed', health_reason: { code: 'late' } });
    expect(nine[0]?.status.update_state).toBe('on_schedule');
    // A huge custom threshold waits, but never past ten schedules.
    expect(nine[1]).toMatchObject({ health: 'healthy', freshness: { late_by_minutes: 0 } });
    expect(ten[1]).toMatchObject({ health: 'delayed', health_reason: { code: 'late' } });
    expect(ten[1]?.freshness?.late_by_minutes).toBeGreaterThan(0);
    expect(ten[1]?.freshness?.late_after).toBe(
      new Date(Date.parse(custom.succeeded_at ?? '') + 600 * MINUTE).toISOString(),
    );
  });

  it('never finds a manual connection late, however long it waits', async () => {
    // Prepare
    fx = await startSweepFixture({ seed: 3, groups: 1, connections: 2, now: clock.now });
    const manual = justSynced();
    manual.schedule_type = 'manual';
    await sweep();

    // Act
    clock.advance(30 * 24 * 60 * MINUTE);
    await sweep();

    // Assess
    const connection = await stored(manual.id);
    expect(connection.freshness).toMatchObject({
      expected_every_minutes: null,
      late_after: null,
      late_by_minutes: null,
    });
    expect(connection.health).toBe('healthy');
  });

  it('shows the demo account’s idle connection late on the first sweep', async () => {
    // Prepare
    fx = await startSweepFixture({ seed: 'demo', groups: 4, connections: 40, quirks: true, now: clock.now });
    const idle = [...fx.sim.account.connections.values()].find((c) => c.sim.idle);
    if (!idle) throw new Error('the demo account has no idle connection');

    // Act
    await sweep();

    // Assess
    const connection = await stored(idle.id);
    expect(connection).toMatchObject({ health: 'delayed', health_reason: { code: 'late' } });
    expect(connection.status.update_state).toBe('on_schedule');
  });
});

describe('historyDue', () => {
  const nowMs = Date.parse('2026-06-01T12:00:00.000Z');
  const readAt = nowMs - 60 * MINUTE;
  const base = () => {
    const connection = unknownConnection('conn_a', new Date(nowMs).toISOString());
    return {
      ...connection,
      succeeded_at: new Date(nowMs - 10 * MINUTE).toISOString(),
      sync_ledger: { days: [], recent: [], history_at: readAt, gap_from: null },
      last_sync: {
        sync_id: 's1',
        status: 'SUCCESSFUL',
        started_at: null,
        ended_at: new Date(nowMs - 10 * MINUTE + 30_000).toISOString(),
        reason: null,
        source: 'webhook' as const,
      },
    };
  };

  it('reads a connection that ran since the last read when our webhook is inactive, even if we know its run', () => {
    // Act
    const active = historyDue(base(), { nowMs, webhookActive: true });
    const inactive = historyDue(base(), { nowMs, webhookActive: false });

    // Assess
    expect(active).toBeNull();
    expect(inactive).toMatchObject({ id: 'conn_a', reason: 'webhook_inactive' });
    expect(inactive?.fromMs).toBeLessThan(readAt);
  });

  it('reads nothing for a connection that never synced, or one deleted', () => {
    // Prepare
    const never = { ...unknownConnection('conn_b', new Date(nowMs).toISOString()), succeeded_at: null };
    const deleted = { ...base(), deleted_at: new Date(nowMs).toISOString() };

    // Act / Assess
    expect(historyDue(never, { nowMs, webhookActive: null })).toBeNull();
    expect(historyDue(deleted, { nowMs, webhookActive: false })).toBeNull();
  });
});
