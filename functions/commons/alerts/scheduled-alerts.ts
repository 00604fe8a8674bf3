import type { DigestSchedule } from './alert-config.ts';
import { type AlertIntent, sequenceOf } from './alert-intent.ts';
import type { AlertHealth, ConnectionRef, DigestEntry, HealthReason } from './alert-model.ts';
import { connectionSelected, type NoiseSettings, pausedReminder } from './noise-control.ts';

/**
 * Alerts that come from the clock, not from a change: the daily digest (`ALERT_DIGEST_AT`) and the catch-up
 * for pauses that outlasted `ALERT_PAUSED_HOURS` (a pause that began before alerts were configured has no
 * scheduled reminder). Both are pure: the caller passes the connections as they are now.
 */
export interface ConnectionSnapshot {
  readonly connection: ConnectionRef;
  readonly health: AlertHealth;
  readonly health_reason: HealthReason | null;
}

/** What the digest lists: still failing or delayed (paused is deliberate; pending is new, not broken). */
const DIGEST_HEALTHS: readonly AlertHealth[] = ['failing', 'delayed'];
export const DIGEST_ENTRY_LIMIT = 50;

/** Minutes the zone is ahead of UTC at `ms`. */
function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(ms));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
  return Math.round((local - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

/** The local calendar date (`YYYY-MM-DD`) in a zone. */
export function localDate(ms: number, timeZone: string): string {
  return new Date(ms + zoneOffsetMinutes(ms, timeZone) * 60_000).toISOString().slice(0, 10);
}

/** The instant a local wall-clock time occurs in a zone (a time skipped by a DST jump lands just after it). */
function zonedInstant(date: string, hour: number, minute: number, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - zoneOffsetMinutes(wall, timeZone) * 60_000;
  return wall - zoneOffsetMinutes(first, timeZone) * 60_000;
}

/** The next digest instant strictly after `now`. */
export function nextDigestAt(schedule: DigestSchedule, now: Date): Date {
  const nowMs = now.getTime();
  const today = localDate(nowMs, schedule.timeZone);
  const todayAt = zonedInstant(today, schedule.hour, schedule.minute, schedule.timeZone);
  if (todayAt > nowMs) return new Date(todayAt);
  const tomorrow = new Date(Date.parse(`${today}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return new Date(zonedInstant(tomorrow, schedule.hour, schedule.minute, schedule.timeZone));
}

function sinceMs(entry: ConnectionSnapshot): number {
  const since = entry.health_reason?.since;
  return since ? Date.parse(since) : Number.POSITIVE_INFINITY;
}

/**
 * The digest for the day of `at` (in the schedule's zone): one per day whatever calls it how often, since its
 * key is the date. Filters by group and service, and by `ALERT_ON` where it names failing or delayed.
 */
export function planDigest(
  connections: readonly ConnectionSnapshot[],
  at: Date,
  schedule: DigestSchedule,
  settings: NoiseSettings,
): AlertIntent {
  const healths = settings.on ? DIGEST_HEALTHS.filter((h) => settings.on?.includes(h)) : DIGEST_HEALTHS;
  const unhealthy = connections
    .filter((c) => healths.includes(c.health) && connectionSelected(c.connection, settings))
    .sort(
      (a, b) =>
        DIGEST_HEALTHS.indexOf(a.health) - DIGEST_HEALTHS.indexOf(b.health) ||
        sinceMs(a) - sinceMs(b) ||
        (a.connection.schema ?? a.connection.id).localeCompare(b.connection.schema ?? b.connection.id),
    );
  const counts: Partial<Record<AlertHealth, number>> = {};
  for (const entry of unhealthy) counts[entry.health] = (counts[entry.health] ?? 0) + 1;
  const entries: DigestEntry[] = unhealthy
    .slice(0, DIGEST_ENTRY_LIMIT)
    .map((c) => ({ connection: c.connection, health: c.health, reason: c.health_reason }));
  const iso = at.toISOString();
  return {
    key: `digest:${localDate(at.getTime(), schedule.timeZone)}`,
    lane: 'digest',
    seq: sequenceOf(iso),
    message: { kind: 'digest', at: iso, entries, total: unhealthy.length, counts },
    due_at: iso,
  };
}

/**
 * Reminders for connections paused longer than `pausedHours` now. Their keys are those `planChange`
 * schedules, so a reminder already sent (or still scheduled) is not sent twice.
 */
export function planPausedReminders(
  connections: readonly ConnectionSnapshot[],
  now: Date,
  settings: NoiseSettings,
): AlertIntent[] {
  const hours = settings.pausedHours;
  if (hours === null) return [];
  return connections
    .filter(
      (c) => c.health === 'paused' && c.health_reason?.since && connectionSelected(c.connection, settings),
    )
    .filter((c) => now.getTime() - sinceMs(c) >= hours * 3_600_000)
    .map((c) => pausedReminder(c.connection, c.health_reason?.since as string, hours));
}
