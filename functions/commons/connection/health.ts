/**
 * The health verdict, computed on every connection write. First match wins:
 * `paused` → `failing` (setup broken or incomplete, the last completed sync not SUCCESSFUL/RESCHEDULED,
 * or open tasks) → `delayed` (update_state delayed) → `healthy`.
 */
export const HEALTH_VALUES = ['failing', 'delayed', 'paused', 'healthy'] as const;
export type Health = (typeof HEALTH_VALUES)[number];

/** Final sync statuses that do not make a connection failing. */
const GOOD_FINAL_STATUSES = new Set(['SUCCESSFUL', 'RESCHEDULED']);
const BAD_SETUP_STATES = new Set(['broken', 'incomplete']);

export interface HealthInputs {
  readonly paused: boolean | null;
  readonly status: {
    readonly setup_state: string | null;
    readonly update_state: string | null;
    readonly tasks: readonly unknown[];
  };
  readonly last_completed_sync: { readonly status: string } | null;
}

export function computeHealth(connection: HealthInputs): Health {
  if (connection.paused === true) return 'paused';
  const { setup_state, update_state, tasks } = connection.status;
  if (setup_state !== null && BAD_SETUP_STATES.has(setup_state)) return 'failing';
  const completed = connection.last_completed_sync;
  if (completed && !GOOD_FINAL_STATUSES.has(completed.status)) return 'failing';
  if (tasks.length > 0) return 'failing';
  if (update_state === 'delayed') return 'delayed';
  return 'healthy';
}
