// zod/mini with named imports: this module is on the webhook Lambda's path.
import { enum as enumOf, type infer as Infer, nullable, strictObject, string } from 'zod/mini';
import { clipText, MAX_REASON_LENGTH } from '../lib/text.ts';

/**
 * The health verdict, computed on every connection write (ARCHITECTURE.md, "The connection item"). First
 * match wins, and the first matching condition gives `health_reason.code`:
 * 1. `paused` — paused;
 * 2. `failing` — setup `broken`; an open task; `last_completed_sync` not SUCCESSFUL/RESCHEDULED; a
 *    `connection_failure` event newer than the last success;
 * 3. `pending` — setup `incomplete`, or no completed sync yet (a first, historical sync running): a new
 *    connection is not a failing one;
 * 4. `delayed` — `update_state` = `delayed`, or `freshness.late_by_minutes` > 0;
 * 5. `healthy`.
 */
export const HEALTH_VALUES = ['failing', 'pending', 'delayed', 'paused', 'healthy'] as const;
export type Health = (typeof HEALTH_VALUES)[number];

export const HEALTH_REASON_CODES = [
  'paused',
  'setup_broken',
  'task_open',
  'sync_failed',
  'connection_failure',
  'setup_incomplete',
  'first_sync_pending',
  'delayed',
  'late',
] as const;
export type HealthReasonCode = (typeof HEALTH_REASON_CODES)[number];

/** Why a connection is not healthy: the code, the human sentence, and since when the verdict holds. */
export const healthReasonSchema = strictObject({
  code: enumOf(HEALTH_REASON_CODES),
  message: string(),
  since: nullable(string()),
});
export type HealthReason = Infer<typeof healthReasonSchema>;

/** Final sync statuses that do not make a connection failing. */
const GOOD_FINAL_STATUSES = new Set(['SUCCESSFUL', 'RESCHEDULED']);

interface Notice {
  readonly code?: unknown;
  readonly message?: unknown;
}

/** What the verdict is computed from (a connection has all of it; tests may give just this). */
export interface HealthInputs {
  readonly paused: boolean | null;
  readonly status: {
    readonly setup_state: string | null;
    readonly update_state: string | null;
    readonly tasks: readonly unknown[];
  };
  readonly last_completed_sync: {
    readonly status: string;
    readonly ended_at: string | null;
    readonly reason: string | null;
  } | null;
  readonly setup_tests?: readonly {
    readonly title: string | null;
    readonly status: string | null;
    readonly message: string | null;
  }[];
  /** The newest `connection_failure` not yet cleared by a success. */
  readonly connection_failure?: { readonly at: string | null; readonly message: string | null } | null;
  readonly freshness?: { readonly late_by_minutes: number | null; readonly late_after: string | null } | null;
  readonly succeeded_at?: string | null;
  /** When the paused flag's fact was stated (epoch ms), for `since`. */
  readonly facts_as_of?: { readonly paused: number | null; readonly state: number | null };
}

type Verdict = {
  readonly health: Health;
  readonly reason: Omit<HealthReason, 'since'> & { at: string | null };
};

const instant = (ms: number | null | undefined) =>
  typeof ms === 'number' ? new Date(ms).toISOString() : null;

function noticeText(notice: unknown): string | null {
  const { code, message } = (notice ?? {}) as Notice;
  const text =
    typeof message === 'string' && message.trim() ? message : typeof code === 'string' ? code : null;
  return clipText(text, MAX_REASON_LENGTH);
}

/** The failed (or, for incomplete setups, unfinished) setup tests as one sentence. */
function setupTestText(inputs: HealthInputs, fallback: string): string {
  const failed = (inputs.setup_tests ?? []).filter(
    (test) => test.status !== null && !/^(PASSED|SKIPPED)$/i.test(test.status),
  );
  const parts = failed.map((test) => [test.title, test.message].filter(Boolean).join(': ')).filter(Boolean);
  return clipText(parts.length > 0 ? parts.join('; ') : fallback, MAX_REASON_LENGTH) ?? fallback;
}

function verdictOf(inputs: HealthInputs): Verdict | null {
  const stateAt = instant(inputs.facts_as_of?.state);
  if (inputs.paused === true) {
    return {
      health: 'paused',
      reason: { code: 'paused', message: 'Paused in Fivetran', at: instant(inputs.facts_as_of?.paused) },
    };
  }
  const { setup_state, update_state, tasks } = inputs.status;
  if (setup_state === 'broken') {
    return {
      health: 'failing',
      reason: { code: 'setup_broken', message: setupTestText(inputs, 'Setup is broken'), at: stateAt },
    };
  }
  if (tasks.length > 0) {
    const message = noticeText(tasks[0]) ?? 'An open task needs attention in Fivetran';
    const more = tasks.length > 1 ? ` (and ${tasks.length - 1} more)` : '';
    return { health: 'failing', reason: { code: 'task_open', message: `${message}${more}`, at: stateAt } };
  }
  const completed = inputs.last_completed_sync;
  if (completed && !GOOD_FINAL_STATUSES.has(completed.status)) {
    // Fivetran's own reason; the status word stays on `last_completed_sync`.
    const message = completed.reason ?? `The last sync ended ${completed.status}`;
    return {
      health: 'failing',
      reason: {
        code: 'sync_failed',
        message: clipText(message, MAX_REASON_LENGTH) ?? message,
        at: completed.ended_at,
      },
    };
  }
  const incident = inputs.connection_failure;
  if (incident) {
    return {
      health: 'failing',
      reason: {
        code: 'connection_failure',
        message: incident.message ?? 'Fivetran reported a connection failure',
        at: incident.at,
      },
    };
  }
  if (setup_state === 'incomplete') {
    return {
      health: 'pending',
      reason: {
        code: 'setup_incomplete',
        message: setupTestText(inputs, 'Setup is not finished yet'),
        at: stateAt,
      },
    };
  }
  if (completed === null) {
    return {
      health: 'pending',
      reason: { code: 'first_sync_pending', message: 'No sync has completed yet', at: stateAt },
    };
  }
  if (update_state === 'delayed') {
    return {
      health: 'delayed',
      reason: { code: 'delayed', message: 'Fivetran reports the data is delayed', at: stateAt },
    };
  }
  const late = inputs.freshness?.late_by_minutes;
  if (typeof late === 'number' && late > 0) {
    return {
      health: 'delayed',
      reason: {
        code: 'late',
        message: `No successful sync for ${late} minutes past what the schedule promises`,
        at: inputs.freshness?.late_after ?? null,
      },
    };
  }
  return null;
}

/**
 * The verdict and its reason. `previous` is the reason stored before this write: while the code stays the
 * same, its `since` stays too (the verdict did not begin again); a new code starts at the fact that caused
 * it when known, else now.
 */
export function assessHealth(
  inputs: HealthInputs,
  previous: HealthReason | null,
  nowIso: string,
): { readonly health: Health; readonly health_reason: HealthReason | null } {
  const verdict = verdictOf(inputs);
  if (verdict === null) return { health: 'healthy', health_reason: null };
  const { at, ...reason } = verdict.reason;
  const since = previous?.code === reason.code ? previous.since : (at ?? nowIso);
  return { health: verdict.health, health_reason: { ...reason, since } };
}

/** The verdict alone (tests, benches). */
export function computeHealth(inputs: HealthInputs): Health {
  return verdictOf(inputs)?.health ?? 'healthy';
}
