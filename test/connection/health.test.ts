import { describe, expect, it } from 'vitest';
import { computeHealth, type HealthInputs } from '#commons/connection/health';

const healthy: HealthInputs = {
  paused: false,
  status: { setup_state: 'connected', update_state: 'on_schedule', tasks: [] },
  last_completed_sync: { status: 'SUCCESSFUL' },
};

function withChanges(changes: {
  paused?: boolean | null;
  setup_state?: string | null;
  update_state?: string | null;
  tasks?: unknown[];
  completed?: string | null;
}): HealthInputs {
  return {
    paused: changes.paused === undefined ? healthy.paused : changes.paused,
    status: {
      setup_state: changes.setup_state === undefined ? healthy.status.setup_state : changes.setup_state,
      update_state: changes.update_state === undefined ? healthy.status.update_state : changes.update_state,
      tasks: changes.tasks ?? [],
    },
    last_completed_sync:
      changes.completed === undefined
        ? healthy.last_completed_sync
        : changes.completed === null
          ? null
          : { status: changes.completed },
  };
}

describe('Function: computeHealth', () => {
  // The contract's rule, first match wins: paused → failing → delayed → healthy.
  it.each([
    ['all good', {}, 'healthy'],
    ['never synced', { completed: null }, 'healthy'],
    ['rescheduled counts as good', { completed: 'RESCHEDULED' }, 'healthy'],
    ['paused', { paused: true }, 'paused'],
    ['paused beats failing', { paused: true, completed: 'FAILURE', setup_state: 'broken' }, 'paused'],
    ['paused beats delayed', { paused: true, update_state: 'delayed' }, 'paused'],
    ['setup broken', { setup_state: 'broken' }, 'failing'],
    ['setup incomplete', { setup_state: 'incomplete' }, 'failing'],
    ['last completed FAILURE', { completed: 'FAILURE' }, 'failing'],
    ['last completed FAILURE_WITH_TASK', { completed: 'FAILURE_WITH_TASK' }, 'failing'],
    ['last completed unknown word', { completed: 'FAILED' }, 'failing'],
    ['open tasks', { tasks: [{ code: 'reconnect', message: 'Reconnect' }] }, 'failing'],
    ['failing beats delayed', { completed: 'FAILURE', update_state: 'delayed' }, 'failing'],
    ['delayed', { update_state: 'delayed' }, 'delayed'],
    ['unknown setup state is not failing', { setup_state: null, update_state: null }, 'healthy'],
    ['unpaused null', { paused: null }, 'healthy'],
  ] as const)('%s → %s', (_name, changes, expected) => {
    // Prepare
    const inputs = withChanges(changes as Parameters<typeof withChanges>[0]);

    // Act
    const health = computeHealth(inputs);

    // Assess
    expect(health).toBe(expected);
  });
});
