import type { Json } from './fixtures.ts';

/** Sync runs in the shape `GET /api/connections/{id}/syncs` answers, newest first, in our own values. */

const MIN = 60_000;

/** Markup Fivetran could send as a reason: shown as text, never parsed. */
export const MARKUP_REASON = '<img src="/planted.png" id="planted" onerror="window.planted=1">';

export interface RunSpec {
  readonly minutesAgo: number;
  readonly seconds: number | null;
  readonly status: string;
  readonly reason?: string | null;
  readonly source?: 'webhook' | 'history';
}

export function runsOf(prefix: string, now: number, specs: readonly RunSpec[]): Json[] {
  return specs
    .map((spec, i) => {
      const start = now - spec.minutesAgo * MIN;
      const running = spec.status === 'SYNCING';
      return {
        sync_id: `${prefix}-${String(i).padStart(2, '0')}`,
        status: spec.status,
        started_at: new Date(start).toISOString(),
        ended_at:
          running || spec.seconds === null ? null : new Date(start + spec.seconds * 1000).toISOString(),
        duration_s: running ? null : spec.seconds,
        reason: spec.reason ?? null,
        task_type: null,
        source: spec.source ?? 'webhook',
      };
    })
    .sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at));
}

/**
 * gs_budget's runs: hourly for 8 hours, two failures (one with a hostile 20,000-character reason that is
 * markup), one rescheduled, the newest still running (no end yet), two learnt from sync history.
 */
export function budgetRuns(now: number): Json[] {
  return runsOf('budget', now, [
    { minutesAgo: 480, seconds: 95, status: 'SUCCESSFUL', source: 'history' },
    { minutesAgo: 420, seconds: 130, status: 'SUCCESSFUL', source: 'history' },
    { minutesAgo: 360, seconds: 610, status: 'FAILURE', reason: 'Sheet "Budget 2026" was not found' },
    { minutesAgo: 300, seconds: 140, status: 'SUCCESSFUL' },
    { minutesAgo: 240, seconds: 20, status: 'RESCHEDULED', reason: 'Rate limited by Google' },
    { minutesAgo: 185, seconds: 160, status: 'SUCCESSFUL' },
    {
      minutesAgo: 120,
      seconds: 45,
      status: 'FAILURE_WITH_TASK',
      reason: `${MARKUP_REASON}${'quota exceeded '.repeat(1_400)}`,
    },
    { minutesAgo: 6, seconds: null, status: 'SYNCING' },
  ]);
}

export const BUDGET_RUNS = 8;
export const BUDGET_FAILED = 2;
