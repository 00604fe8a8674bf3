import { describe, expect, it } from 'vitest';
import { assessHealth, type HealthInputs, type HealthReason } from '#commons/connection/health';

const NOW = '2026-06-01T12:00:00.000Z';
const ENDED = '2026-06-01T11:00:00.000Z';

const healthy: HealthInputs = {
  paused: false,
  status: { setup_state: 'connected', update_state: 'on_schedule', tasks: [] },
  last_completed_sync: { status: 'SUCCESSFUL', ended_at: ENDED, reason: null },
  setup_tests: [],
  connection_failure: null,
  freshness: null,
  facts_as_of: {
    paused: Date.parse('2026-06-01T10:00:00.000Z'),
    state: Date.parse('2026-06-01T11:30:00.000Z'),
  },
};

interface Changes {
  paused?: boolean | null;
  setup_state?: string | null;
  update_state?: string | null;
  tasks?: unknown[];
  completed?: string | null;
  reason?: string;
  failure?: string;
  late?: number;
  tests?: HealthInputs['setup_tests'];
}

function inputs(changes: Changes): HealthInputs {
  return {
    ...healthy,
    paused: changes.paused === undefined ? healthy.paused : changes.paused,
    status: {
      setup_state: changes.setup_state === undefined ? 'connected' : changes.setup_state,
      update_state: changes.update_state === undefined ? 'on_schedule' : changes.update_state,
      tasks: changes.tasks ?? [],
    },
    last_completed_sync:
      changes.completed === undefined
        ? healthy.last_completed_sync
        : changes.completed === null
          ? null
          : { status: changes.completed, ended_at: ENDED, reason: changes.reason ?? null },
    setup_tests: changes.tests ?? [],
    connection_failure: changes.failure ? { at: '2026-06-01T11:45:00.000Z', message: changes.failure } : null,
    freshness:
      changes.late === undefined
        ? null
        : { late_by_minutes: changes.late, late_after: '2026-06-01T11:50:00.000Z' },
  };
}

describe('Function: assessHealth', () => {
  // The contract's rule, first match wins: paused → failing → pending → delayed → healthy; the first matching
  // condition gives the reason's code.
  it.each([
    ['all good', {}, 'healthy', null],
    ['rescheduled counts as good', { completed: 'RESCHEDULED' }, 'healthy', null],
    ['paused', { paused: true }, 'paused', 'paused'],
    [
      'paused beats failing',
      { paused: true, completed: 'FAILURE', setup_state: 'broken' },
      'paused',
      'paused',
    ],
    ['setup broken', { setup_state: 'broken' }, 'failing', 'setup_broken'],
    [
      'open task before a failed sync',
      { tasks: [{ code: 'reconnect' }], completed: 'FAILURE' },
      'failing',
      'task_open',
    ],
    ['last completed FAILURE', { completed: 'FAILURE' }, 'failing', 'sync_failed'],
    ['FAILED (seen live) is a failure', { completed: 'FAILED' }, 'failing', 'sync_failed'],
    ['an open connection failure', { failure: 'Cannot reach host' }, 'failing', 'connection_failure'],
    [
      'a new connection is pending, not failing',
      { setup_state: 'incomplete', completed: null },
      'pending',
      'setup_incomplete',
    ],
    ['first historical sync running', { completed: null }, 'pending', 'first_sync_pending'],
    ['failing beats pending', { setup_state: 'incomplete', completed: 'FAILURE' }, 'failing', 'sync_failed'],
    ['delayed', { update_state: 'delayed' }, 'delayed', 'delayed'],
    ['late against the schedule', { late: 45 }, 'delayed', 'late'],
    ['on time is not late', { late: 0 }, 'healthy', null],
    ['unknown setup state is not failing', { setup_state: null, update_state: null }, 'healthy', null],
  ] as const)('%s → %s (%s)', (_name, changes, expected, code) => {
    // Act
    const { health, health_reason } = assessHealth(inputs(changes as Changes), null, NOW);
    // Assess
    expect(health).toBe(expected);
    expect(health_reason?.code ?? null).toBe(code);
    if (code !== null) expect(health_reason?.message.length).toBeGreaterThan(0);
  });

  it("says why in Fivetran's own words: the task message, the failure reason, the failed setup test", () => {
    // Act
    const task = assessHealth(
      inputs({ tasks: [{ code: 'reconnect', message: 'Reconnect Google Ads' }, {}] }),
      null,
      NOW,
    );
    const failed = assessHealth(
      inputs({ completed: 'FAILURE', reason: 'Connection reset by peer' }),
      null,
      NOW,
    );
    const broken = assessHealth(
      inputs({
        setup_state: 'broken',
        tests: [{ title: 'Host connection', status: 'FAILED', message: 'Timed out' }],
      }),
      null,
      NOW,
    );
    // Assess
    expect(task.health_reason?.message).toBe('Reconnect Google Ads (and 1 more)');
    expect(failed.health_reason?.message).toBe('Connection reset by peer');
    expect(broken.health_reason?.message).toBe('Host connection: Timed out');
  });

  it('dates the verdict by the fact that caused it, and keeps that date while the code stays', () => {
    // Prepare
    const previous: HealthReason = {
      code: 'sync_failed',
      message: 'older text',
      since: '2026-05-31T00:00:00.000Z',
    };
    // Act
    const fresh = assessHealth(inputs({ completed: 'FAILURE' }), null, NOW);
    const continued = assessHealth(inputs({ completed: 'FAILURE' }), previous, NOW);
    const changed = assessHealth(inputs({ paused: true }), previous, NOW);
    // Assess
    expect(fresh.health_reason?.since).toBe(ENDED);
    expect(continued.health_reason?.since).toBe('2026-05-31T00:00:00.000Z');
    expect(changed.health_reason).toMatchObject({ code: 'paused', since: '2026-06-01T10:00:00.000Z' });
  });
});
