import { describe, expect, it } from 'vitest';
import { type Connection, unknownConnection, withHealth } from '#commons/connection/connection';
import {
  assessFreshness,
  type FreshnessInputs,
  lateByMovedMeaningfully,
  promisedGapMs,
} from '#commons/connection/freshness';

const MINUTE = 60_000;
const LAST = '2026-06-01T10:00:00.000Z';
const lastMs = Date.parse(LAST);
const at = (minutes: number) => lastMs + minutes * MINUTE;

/** A connection that succeeded at LAST, on an automatic schedule, with what a test says on top. */
function connection(fields: Partial<Connection> = {}): Connection {
  const base = unknownConnection('c1', LAST);
  return {
    ...base,
    status: { ...base.status, setup_state: 'connected', update_state: 'on_schedule' },
    schedule_type: 'auto',
    sync_frequency: 60,
    data_delay_sensitivity: 'NORMAL',
    succeeded_at: LAST,
    last_completed_sync: {
      sync_id: null,
      status: 'SUCCESSFUL',
      started_at: null,
      ended_at: LAST,
      reason: null,
      source: 'api',
    },
    ...fields,
  };
}

const lateAfter = (c: FreshnessInputs) => assessFreshness(c, null, lastMs).late_after;

describe('freshness: what the schedule promises, widened by Fivetran’s delay setting', () => {
  it('gives an hourly NORMAL connection one schedule of delay past its next sync', () => {
    // Act
    const onTime = assessFreshness(connection(), null, at(119));
    const late = assessFreshness(connection(), null, at(125));

    // Assess
    expect(onTime).toEqual({
      last_success_at: LAST,
      expected_every_minutes: 60,
      late_after: new Date(at(120)).toISOString(),
      late_by_minutes: 0,
    });
    expect(late.late_by_minutes).toBe(5);
  });

  it('widens by half a schedule for HIGH, two for LOW, one for SYNC_FREQUENCY, the threshold for CUSTOM', () => {
    // Act
    const by = (fields: Partial<Connection>) => lateAfter(connection(fields));

    // Assess
    expect(by({ data_delay_sensitivity: 'HIGH' })).toBe(new Date(at(90)).toISOString());
    expect(by({ data_delay_sensitivity: 'LOW' })).toBe(new Date(at(180)).toISOString());
    expect(by({ data_delay_sensitivity: 'SYNC_FREQUENCY' })).toBe(new Date(at(120)).toISOString());
    expect(by({ data_delay_sensitivity: 'CUSTOM', data_delay_threshold: 45 })).toBe(
      new Date(at(105)).toISOString(),
    );
    // Fivetran's default threshold (0) and an unknown level read as NORMAL; so does no setting at all.
    expect(by({ data_delay_sensitivity: 'CUSTOM', data_delay_threshold: 0 })).toBe(
      new Date(at(120)).toISOString(),
    );
    expect(by({ data_delay_sensitivity: 'SOMETHING_NEW' })).toBe(new Date(at(120)).toISOString());
    expect(by({ data_delay_sensitivity: null })).toBe(new Date(at(120)).toISOString());
  });

  it('never tolerates more than ten schedules without a success, whatever the CUSTOM threshold', () => {
    // Prepare: a 15-minute schedule with a threshold of ten weeks.
    const c = connection({
      sync_frequency: 15,
      data_delay_sensitivity: 'CUSTOM',
      data_delay_threshold: 100_800,
    });

    // Act
    const justBefore = withHealth(c, null, new Date(at(149)).toISOString());
    const tenSchedules = withHealth(c, null, new Date(at(151)).toISOString());

    // Assess
    expect(justBefore.freshness?.late_after).toBe(new Date(at(150)).toISOString());
    expect(justBefore.health).toBe('healthy');
    expect(tenSchedules.health).toBe('delayed');
    expect(tenSchedules.health_reason).toMatchObject({
      code: 'late',
      since: new Date(at(150)).toISOString(),
    });
    expect(promisedGapMs(c)).toBe(150 * MINUTE);
  });

  it('makes a connection with no success for ten schedules delayed/late even when Fivetran says on_schedule', () => {
    // Act: every level, ten schedules and a minute after the last success.
    const verdicts = ['HIGH', 'NORMAL', 'LOW', 'SYNC_FREQUENCY', 'CUSTOM'].map(
      (level) =>
        withHealth(
          connection({ data_delay_sensitivity: level, data_delay_threshold: 10_000 }),
          null,
          new Date(at(601)).toISOString(),
        ).health_reason?.code,
    );

    // Assess
    expect(verdicts).toEqual(['late', 'late', 'late', 'late', 'late']);
  });

  it('promises nothing for a manual schedule: never late, however long ago the last success', () => {
    // Act
    const manual = withHealth(
      connection({ schedule_type: 'manual' }),
      null,
      new Date(at(200 * 24 * 60)).toISOString(),
    );

    // Assess
    expect(manual.freshness).toEqual({
      last_success_at: LAST,
      expected_every_minutes: null,
      late_after: null,
      late_by_minutes: null,
    });
    expect(manual.health).toBe('healthy');
  });

  it('promises nothing while paused or deleted', () => {
    // Act
    const paused = assessFreshness(connection({ paused: true }), null, at(10_000));
    const deleted = assessFreshness(connection({ deleted_at: LAST }), null, at(10_000));

    // Assess
    expect(paused.expected_every_minutes).toBeNull();
    expect(paused.late_by_minutes).toBeNull();
    expect(deleted.late_after).toBeNull();
  });

  it('dues a daily sync at its UTC time of day plus Fivetran’s start offset of up to an hour', () => {
    // Prepare: daily at 03:00 UTC.
    const daily = (succeeded: string) =>
      connection({
        sync_frequency: 1440,
        daily_sync_time: '03:00',
        succeeded_at: succeeded,
        last_completed_sync: null,
      });

    // Act
    const afterTheRun = assessFreshness(daily('2026-06-01T03:20:00.000Z'), null, Date.parse(LAST));
    const beforeTheTime = assessFreshness(daily('2026-06-01T02:50:00.000Z'), null, Date.parse(LAST));
    const highAfterTheRun = assessFreshness(
      { ...daily('2026-06-01T03:20:00.000Z'), data_delay_sensitivity: 'HIGH' },
      null,
      Date.parse(LAST),
    );

    // Assess: next day 03:00 + 60 min offset + one day (NORMAL); a success before 03:00 is due that same day.
    expect(afterTheRun.late_after).toBe('2026-06-03T04:00:00.000Z');
    expect(beforeTheTime.late_after).toBe('2026-06-02T04:00:00.000Z');
    expect(highAfterTheRun.late_after).toBe('2026-06-02T16:00:00.000Z');
    expect(afterTheRun.expected_every_minutes).toBe(1440);
  });

  it('treats a daily schedule without a set time as every 1,440 minutes', () => {
    // Act
    const daily = lateAfter(connection({ sync_frequency: 1440, daily_sync_time: null }));

    // Assess
    expect(daily).toBe(new Date(at(2 * 1440)).toISOString());
  });

  it('counts the newest success from either source, compared as instants', () => {
    // Prepare: the API's succeeded_at is older than a webhook's success; the newest completed sync failed.
    const c = connection({
      succeeded_at: '2026-06-01T09:00:00+00:00',
      last_sync: {
        sync_id: 's2',
        status: 'SUCCESSFUL',
        started_at: null,
        ended_at: '2026-06-01T11:00:00.000Z',
        reason: null,
        source: 'webhook',
      },
      last_completed_sync: null,
    });

    // Act
    const freshness = assessFreshness(c, null, at(0));

    // Assess
    expect(freshness.last_success_at).toBe('2026-06-01T11:00:00.000Z');
  });

  it('knows no last success (and no lateness) before the first one', () => {
    // Act
    const never = assessFreshness(
      connection({ succeeded_at: null, last_completed_sync: null }),
      null,
      at(999),
    );

    // Assess
    expect(never).toEqual({
      last_success_at: null,
      expected_every_minutes: 60,
      late_after: null,
      late_by_minutes: null,
    });
  });
});

describe('freshness: late_by is rewritten only when it moves meaningfully', () => {
  it('crosses into and out of lateness at once, otherwise waits for 15 minutes or a quarter', () => {
    // Assess
    expect(lateByMovedMeaningfully(0, 1)).toBe(true);
    expect(lateByMovedMeaningfully(7, 0)).toBe(true);
    expect(lateByMovedMeaningfully(20, 34)).toBe(false);
    expect(lateByMovedMeaningfully(20, 35)).toBe(true);
    expect(lateByMovedMeaningfully(600, 749)).toBe(false);
    expect(lateByMovedMeaningfully(600, 750)).toBe(true);
    expect(lateByMovedMeaningfully(null, 0)).toBe(true);
  });

  it('keeps the stored figure (and so the stored connection) while the move is small', () => {
    // Prepare: stored late by 20 minutes.
    const stored = withHealth(connection(), null, new Date(at(140)).toISOString());

    // Act
    const tenMinutesLater = withHealth(stored, stored, new Date(at(150)).toISOString());
    const twentyMinutesLater = withHealth(stored, stored, new Date(at(160)).toISOString());

    // Assess
    expect(stored.freshness?.late_by_minutes).toBe(20);
    expect(tenMinutesLater).toEqual(stored);
    expect(twentyMinutesLater.freshness?.late_by_minutes).toBe(40);
  });

  it('follows a new promise at once (a newer success moves late_after)', () => {
    // Prepare
    const stored = withHealth(connection(), null, new Date(at(140)).toISOString());
    const succeededAgain = { ...stored, succeeded_at: new Date(at(139)).toISOString() };

    // Act
    const next = withHealth(succeededAgain, stored, new Date(at(141)).toISOString());

    // Assess
    expect(next.freshness?.late_by_minutes).toBe(0);
    expect(next.health).toBe('healthy');
  });
});
