import { describe, expect, it } from 'vitest';
import type { AlertHealth } from '#commons/alerts/alert-model';
import { type ConnectionAlertState, type NoiseSettings, planChange } from '#commons/alerts/noise-control';
import { at, failingChange, NOISE_DEFAULTS } from './support/alert-fixtures.ts';

const T0 = '2026-03-02T10:00:00.000Z';

/** Feeds changes one after another, threading the state through as the store would. */
function run(
  steps: readonly { seconds: number; from: AlertHealth | null; to: AlertHealth }[],
  settings: NoiseSettings = NOISE_DEFAULTS,
  start: ConnectionAlertState | null = null,
) {
  let state = start;
  return steps.map((step) => {
    const plan = planChange(
      state,
      failingChange({ previous: step.from, health: step.to, changed_at: at(T0, step.seconds) }),
      settings,
    );
    state = plan.state;
    return plan;
  });
}

describe('noise control: one message per real change', () => {
  it('sends a change at once, keyed by connection and instant', () => {
    // Act
    const [plan] = run([{ seconds: 0, from: 'healthy', to: 'failing' }]);

    // Assess
    expect(plan?.outcome).toBe('sent');
    expect(plan?.enqueue).toHaveLength(1);
    expect(plan?.enqueue[0]).toMatchObject({
      key: `change:quiet_harbor:${T0}`,
      lane: 'quiet_harbor',
      due_at: T0,
      message: { kind: 'change', from: 'healthy', to: 'failing' },
    });
  });

  it('plans nothing for the same change again, for an older one, or for a non-change', () => {
    // Prepare
    const [first] = run([{ seconds: 0, from: 'healthy', to: 'failing' }]);

    // Act
    const again = planChange(first?.state ?? null, failingChange(), NOISE_DEFAULTS);
    const older = planChange(
      first?.state ?? null,
      failingChange({ changed_at: at(T0, -60) }),
      NOISE_DEFAULTS,
    );
    const same = planChange(null, failingChange({ previous: 'failing' }), NOISE_DEFAULTS);

    // Assess
    expect([again.outcome, older.outcome, same.outcome]).toEqual(['duplicate', 'stale', 'not_a_change']);
    expect([...again.enqueue, ...older.enqueue, ...same.enqueue]).toEqual([]);
  });

  it('announces a connection first seen only when it is already failing or delayed', () => {
    // Act
    const healthy = planChange(null, failingChange({ previous: null, health: 'healthy' }), NOISE_DEFAULTS);
    const pending = planChange(null, failingChange({ previous: null, health: 'pending' }), NOISE_DEFAULTS);
    const failing = planChange(null, failingChange({ previous: null }), NOISE_DEFAULTS);

    // Assess
    expect([healthy.outcome, pending.outcome, failing.outcome]).toEqual(['first_seen', 'first_seen', 'sent']);
  });

  it('sends two changes that do not undo each other at once', () => {
    // Act
    const plans = run([
      { seconds: 0, from: 'healthy', to: 'delayed' },
      { seconds: 60, from: 'delayed', to: 'failing' },
    ]);

    // Assess
    expect(plans.map((p) => p.outcome)).toEqual(['sent', 'sent']);
    expect(plans[1]?.enqueue[0]?.due_at).toBe(at(T0, 60));
  });
});

describe('noise control: flapping', () => {
  it('holds a change that undoes the previous one until the quiet window ends', () => {
    // Act
    const plans = run([
      { seconds: 0, from: 'healthy', to: 'failing' },
      { seconds: 36, from: 'failing', to: 'healthy' },
    ]);

    // Assess
    expect(plans.map((p) => p.outcome)).toEqual(['sent', 'held']);
    expect(plans[1]?.enqueue[0]).toMatchObject({
      due_at: at(T0, 600),
      message: { kind: 'change', to: 'healthy' },
    });
  });

  it('turns the third change within the window into one flapping message, withdrawing the held one', () => {
    // Act
    const plans = run([
      { seconds: 0, from: 'healthy', to: 'failing' },
      { seconds: 10, from: 'failing', to: 'healthy' },
      { seconds: 20, from: 'healthy', to: 'failing' },
    ]);

    // Assess
    const third = plans[2];
    expect(third?.outcome).toBe('flapping');
    expect(third?.cancel).toEqual([`change:quiet_harbor:${at(T0, 10)}`]);
    expect(third?.enqueue.map((i) => i.message.kind)).toEqual(['flapping', 'settled']);
    expect(third?.enqueue[0]).toMatchObject({
      due_at: at(T0, 20),
      message: { changes: 3, current: 'failing', healths: ['healthy', 'failing'], quiet_minutes: 10 },
    });
    expect(third?.enqueue[1]?.due_at).toBe(at(T0, 620));
  });

  it('suppresses further changes and moves the settled message to the end of the quiet time, with the last state', () => {
    // Act
    const plans = run([
      { seconds: 0, from: 'healthy', to: 'failing' },
      { seconds: 10, from: 'failing', to: 'healthy' },
      { seconds: 20, from: 'healthy', to: 'failing' },
      { seconds: 30, from: 'failing', to: 'healthy' },
      { seconds: 40, from: 'healthy', to: 'delayed' },
    ]);

    // Assess
    expect(plans.slice(3).map((p) => p.outcome)).toEqual(['suppressed', 'suppressed']);
    const settled = plans[4]?.enqueue[0];
    expect(settled).toMatchObject({
      key: `settled:quiet_harbor:${T0}`,
      due_at: at(T0, 640),
      message: { kind: 'settled', health: 'delayed', changes: 5, healths: ['healthy', 'failing', 'delayed'] },
    });
  });

  it('treats a change after the connection was quiet for the window as news again', () => {
    // Prepare
    const flapped = run([
      { seconds: 0, from: 'healthy', to: 'failing' },
      { seconds: 10, from: 'failing', to: 'healthy' },
      { seconds: 20, from: 'healthy', to: 'failing' },
    ]);

    // Act
    const later = planChange(
      flapped[2]?.state ?? null,
      failingChange({ previous: 'failing', health: 'healthy', changed_at: at(T0, 20 + 601) }),
      NOISE_DEFAULTS,
    );

    // Assess
    expect(later.outcome).toBe('sent');
    expect(later.state.flapping).toBeNull();
  });
});

describe('noise control: filters and pauses', () => {
  it('announces entering or leaving a health named in ALERT_ON, nothing else', () => {
    // Prepare
    const settings = { ...NOISE_DEFAULTS, on: ['failing'] as AlertHealth[] };

    // Act
    const plans = run(
      [
        { seconds: 0, from: 'healthy', to: 'delayed' },
        { seconds: 700, from: 'delayed', to: 'failing' },
        { seconds: 1400, from: 'failing', to: 'healthy' },
      ],
      settings,
    );

    // Assess
    expect(plans.map((p) => p.outcome)).toEqual(['filtered', 'sent', 'sent']);
  });

  it('skips connections outside the group and service filters', () => {
    // Act
    const group = planChange(null, failingChange(), { ...NOISE_DEFAULTS, groups: ['other_group'] });
    const service = planChange(null, failingChange(), { ...NOISE_DEFAULTS, services: ['salesforce'] });
    const both = planChange(null, failingChange(), {
      ...NOISE_DEFAULTS,
      groups: ['lunar_otter'],
      services: ['postgres'],
    });

    // Assess
    expect([group.outcome, service.outcome, both.outcome]).toEqual(['filtered', 'filtered', 'sent']);
  });

  it('schedules a reminder when paused longer than ALERT_PAUSED_HOURS, and withdraws it on resume', () => {
    // Prepare
    const settings = { ...NOISE_DEFAULTS, pausedHours: 6, on: ['failing'] as AlertHealth[] };
    const since = T0;
    const paused = failingChange({
      previous: 'healthy',
      health: 'paused',
      health_reason: { code: 'paused', message: 'Paused by a user', since },
    });

    // Act
    const pause = planChange(null, paused, settings);
    const resume = planChange(
      pause.state,
      failingChange({ previous: 'paused', health: 'healthy', health_reason: null, changed_at: at(T0, 3600) }),
      settings,
    );

    // Assess
    expect(pause.outcome).toBe('filtered');
    expect(pause.enqueue).toEqual([
      expect.objectContaining({
        key: `paused:quiet_harbor:${since}`,
        lane: 'quiet_harbor/paused',
        due_at: at(T0, 6 * 3600),
        message: expect.objectContaining({ kind: 'paused_long', hours: 6 }),
      }),
    ]);
    expect(resume.cancel).toEqual([`paused:quiet_harbor:${since}`]);
    expect(resume.state.paused_since).toBeNull();
  });
});
