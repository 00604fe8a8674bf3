import type { ConnectionView } from '#commons/connection/connection';

/** "45 min", "3 h", "2 d": how late, rounded for reading at a glance. */
export function lateSpan(minutes: number): string {
  if (minutes < 90) return `${Math.max(1, Math.round(minutes))} min`;
  if (minutes < 2_160) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1_440)} d`;
}

/**
 * The promise in one word or two, as the dashboard says it: `late 3 h` (past what the schedule promises),
 * `on time`, `manual` (nothing is promised: a manual schedule), `paused`, `no schedule`, or `no success yet`.
 */
export function freshnessWord(c: Pick<ConnectionView, 'freshness' | 'schedule_type' | 'paused'>): string {
  const f = c.freshness;
  const late = f?.late_by_minutes;
  if (typeof late === 'number' && late > 0) return `late ${lateSpan(late)}`;
  if (f?.expected_every_minutes == null) {
    if ((c.schedule_type ?? '').toLowerCase() === 'manual') return 'manual';
    return c.paused ? 'paused' : 'no schedule';
  }
  return f.last_success_at ? 'on time' : 'no success yet';
}

export function isLate(c: Pick<ConnectionView, 'freshness'>): boolean {
  const late = c.freshness?.late_by_minutes;
  return typeof late === 'number' && late > 0;
}
