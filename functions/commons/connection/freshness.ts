import { toInstantMs } from '../lib/instant.ts';
import type { Freshness } from './connection.ts';

/**
 * Freshness: what the schedule promises and whether the last success we know keeps that promise
 * (ARCHITECTURE.md, "The connection item"). Pure; recomputed on every connection write (`withHealth`), and the
 * sweep writes every listed connection through it, so time passing without events is noticed too.
 *
 * The promise:
 * - `schedule_type` `manual`, paused, deleted, or no `sync_frequency`: nothing is promised (null fields).
 * - Otherwise a success every `sync_frequency` minutes; with `daily_sync_time` (`HH:MM`, UTC, only with
 *   1440) the next success is due after that time of day plus Fivetran's start offset of up to 60 minutes
 *   (`daily_sync_time` "has no effect on the 0 to 60 minutes offset used to determine the actual sync start
 *   time": fivetran-openapi.json.gz, ConnectorResponseV1; "any value between 0 and 60 minutes",
 *   fivetran.com/docs/connectors/troubleshooting/sync-start-delay).
 * - Widened by Fivetran's own delay setting, `data_delay_sensitivity` ("the level of data delay notification
 *   threshold … LOW, NORMAL, HIGH, CUSTOM, SYNC_FREQUENCY. The default value NORMAL") and
 *   `data_delay_threshold` ("custom sync delay notification threshold in minutes … only used when
 *   data_delay_sensitivity set to CUSTOM"), both quoted from the same OpenAPI file. Fivetran publishes no
 *   figures for LOW/NORMAL/HIGH in the pages we found (searched: the REST reference, the notifications and
 *   sync-overview pages, the Terraform provider and SDK sources), so the delay tolerated past the due time is
 *   ours, read from the level names as multiples of the schedule: HIGH ½, NORMAL (the default, also for an
 *   unknown level) 1, LOW 2, SYNC_FREQUENCY 1 (the threshold is the frequency); CUSTOM its threshold in
 *   minutes (0, Fivetran's default for it, reads as NORMAL).
 * - Never wider than ten schedules: a connection with no success for ten times its schedule is late,
 *   whatever the setting.
 *
 * `late_by_minutes` is 0 while on time and is rewritten only when it moves meaningfully (see
 * `settleLateBy`): time alone must not make the sweep rewrite every late connection on every pass.
 */
export const DELAY_MULTIPLES: Readonly<Record<string, number>> = {
  HIGH: 0.5,
  NORMAL: 1,
  LOW: 2,
  SYNC_FREQUENCY: 1,
};
export const DEFAULT_DELAY_MULTIPLE = 1;
/** No success for this many schedules is late, whatever the delay setting. */
export const LATE_CAP_SCHEDULES = 10;
/** Fivetran's start offset for daily syncs at a set time. */
export const DAILY_START_OFFSET_MINUTES = 60;
/** A stored `late_by_minutes` is kept until the true figure is this many minutes, or this share, away. */
export const LATE_BY_STEP_MINUTES = 15;
export const LATE_BY_STEP_SHARE = 0.25;

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

/** What freshness is computed from (a connection has all of it). */
export interface FreshnessInputs {
  readonly paused: boolean;
  readonly deleted_at: string | null;
  readonly schedule_type: string | null;
  readonly sync_frequency: number | null;
  readonly daily_sync_time: string | null;
  readonly data_delay_sensitivity: string | null;
  readonly data_delay_threshold: number | null;
  readonly succeeded_at: string | null;
  readonly last_sync: { readonly status: string; readonly ended_at: string | null } | null;
  readonly last_completed_sync: { readonly status: string; readonly ended_at: string | null } | null;
}

/** Minutes between the syncs the schedule promises; null when nothing is promised. */
export function expectedEveryMinutes(c: FreshnessInputs): number | null {
  if (c.paused || c.deleted_at !== null) return null;
  if ((c.schedule_type ?? '').toLowerCase() === 'manual') return null;
  const every = c.sync_frequency;
  return typeof every === 'number' && Number.isFinite(every) && every > 0 ? every : null;
}

/** The delay tolerated past the due time, in minutes (see the module comment). */
export function delayAllowanceMinutes(c: FreshnessInputs, everyMinutes: number): number {
  const level = (c.data_delay_sensitivity ?? '').toUpperCase();
  if (level === 'CUSTOM' && typeof c.data_delay_threshold === 'number' && c.data_delay_threshold > 0) {
    return c.data_delay_threshold;
  }
  return everyMinutes * (DELAY_MULTIPLES[level] ?? DEFAULT_DELAY_MULTIPLE);
}

/** Minutes after midnight UTC of `daily_sync_time` (`HH:MM`), or null when it is not one. */
function dailyMinute(text: string | null): number | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec((text ?? '').trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  return hours < 24 && minutes < 60 ? hours * 60 + minutes : null;
}

/** When the next success is due after one at `lastMs` (before any delay allowance). */
function dueAfter(c: FreshnessInputs, lastMs: number, everyMinutes: number): number {
  const atMinute = everyMinutes === DAY_MINUTES ? dailyMinute(c.daily_sync_time) : null;
  if (atMinute === null) return lastMs + everyMinutes * MINUTE_MS;
  const dayStart = Math.floor(lastMs / (DAY_MINUTES * MINUTE_MS)) * DAY_MINUTES * MINUTE_MS;
  let due = dayStart + atMinute * MINUTE_MS;
  if (due <= lastMs) due += DAY_MINUTES * MINUTE_MS;
  return due + DAILY_START_OFFSET_MINUTES * MINUTE_MS;
}

/** The instant (ms) after which a connection whose last success was at `lastMs` is late; null: never. */
export function lateAfterMs(c: FreshnessInputs, lastMs: number): number | null {
  const every = expectedEveryMinutes(c);
  if (every === null) return null;
  const widened = dueAfter(c, lastMs, every) + delayAllowanceMinutes(c, every) * MINUTE_MS;
  return Math.min(widened, lastMs + LATE_CAP_SCHEDULES * every * MINUTE_MS);
}

/** The longest gap (ms) the schedule allows between two successes; null when nothing is promised. */
export function promisedGapMs(c: FreshnessInputs): number | null {
  const every = expectedEveryMinutes(c);
  if (every === null) return null;
  const offset =
    every === DAY_MINUTES && dailyMinute(c.daily_sync_time) !== null ? DAILY_START_OFFSET_MINUTES : 0;
  const minutes = Math.min(every + offset + delayAllowanceMinutes(c, every), LATE_CAP_SCHEDULES * every);
  return minutes * MINUTE_MS;
}

/**
 * The newest success we know: Fivetran's `succeeded_at` or a successful last (completed) sync, whichever
 * source said it (instants compared, the text kept as stated). Only what the merged connection holds, so
 * the answer is the same for any delivery order.
 */
export function lastSuccessAt(c: FreshnessInputs): string | null {
  const candidates: string[] = [];
  if (c.succeeded_at) candidates.push(c.succeeded_at);
  for (const record of [c.last_completed_sync, c.last_sync]) {
    if (record?.status === 'SUCCESSFUL' && record.ended_at) candidates.push(record.ended_at);
  }
  let best: string | null = null;
  let bestMs = Number.NEGATIVE_INFINITY;
  for (const candidate of candidates) {
    const ms = toInstantMs(candidate);
    if (ms !== null && ms > bestMs) {
      best = candidate;
      bestMs = ms;
    }
  }
  return best;
}

/**
 * Whether a new `late_by_minutes` is worth a write over the stored one: crossing into or out of lateness
 * always is; otherwise only a move of at least `LATE_BY_STEP_MINUTES` or `LATE_BY_STEP_SHARE` of the stored
 * figure (so a connection late by ten hours is rewritten every 2.5 hours, not on every sweep).
 */
export function lateByMovedMeaningfully(stored: number | null, next: number | null): boolean {
  if (stored === null || next === null) return stored !== next;
  if (stored > 0 !== next > 0) return true;
  return Math.abs(next - stored) >= Math.max(LATE_BY_STEP_MINUTES, Math.round(stored * LATE_BY_STEP_SHARE));
}

/** Keeps the stored figure while the promise is the same and the figure has not moved meaningfully. */
function settleLateBy(previous: Freshness | null, next: Freshness): Freshness {
  if (
    previous === null ||
    previous.last_success_at !== next.last_success_at ||
    previous.expected_every_minutes !== next.expected_every_minutes ||
    previous.late_after !== next.late_after ||
    lateByMovedMeaningfully(previous.late_by_minutes, next.late_by_minutes)
  ) {
    return next;
  }
  return { ...next, late_by_minutes: previous.late_by_minutes };
}

/** The connection's freshness at `nowMs`; `previous` is the stored one (for `settleLateBy`). */
export function assessFreshness(c: FreshnessInputs, previous: Freshness | null, nowMs: number): Freshness {
  const lastSuccess = lastSuccessAt(c);
  const every = expectedEveryMinutes(c);
  const lastMs = toInstantMs(lastSuccess);
  const after = lastMs === null ? null : lateAfterMs(c, lastMs);
  const next: Freshness = {
    last_success_at: lastSuccess,
    expected_every_minutes: every,
    late_after: after === null ? null : new Date(after).toISOString(),
    late_by_minutes: after === null ? null : nowMs > after ? Math.ceil((nowMs - after) / MINUTE_MS) : 0,
  };
  return settleLateBy(previous, next);
}
