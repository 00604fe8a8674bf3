import * as z from 'zod';
import { type AlertIntent, sequenceOf } from './alert-intent.ts';
import {
  type AlertChange,
  type AlertChangeInput,
  type AlertHealth,
  alertChangeSchema,
  alertHealthSchema,
  type ConnectionRef,
  connectionRef,
} from './alert-model.ts';

/**
 * Noise control, pure: given what was recently alerted for one connection and its new change, which messages
 * go out and when. The rules (ARCHITECTURE "Alerts"):
 * - one message per real change; a change planned twice has the same key, so it is enqueued once;
 * - a change that undoes the previous one within the quiet window is held until that window ends: if the
 *   connection changes again meanwhile it is flapping, and the held message is replaced by one "flapping"
 *   message; otherwise it goes out late but unchanged;
 * - more than two changes within `quietMinutes` → one "flapping" message, then nothing until the connection
 *   has been quiet for `quietMinutes`, then one "settled" message with the state it settled in;
 * - filters by group, service and health; "paused longer than N hours" is its own, delayed message.
 */

const instant = z.string();

export const alertStateSchema = z.object({
  connection_id: z.string(),
  /** Alerted changes of the last quiet window (bounded), oldest first. */
  recent: z
    .array(
      z.object({
        at: instant,
        from: alertHealthSchema.nullable(),
        to: alertHealthSchema,
        outcome: z.enum(['sent', 'held', 'flapping', 'suppressed']),
      }),
    )
    .max(20),
  last_change_at: instant.nullable(),
  flapping: z
    .object({ since: instant, changes: z.number().int(), healths: z.array(alertHealthSchema) })
    .nullable(),
  /** The pause whose reminder is scheduled (so resuming can cancel it). */
  paused_since: instant.nullable(),
});
export type ConnectionAlertState = z.infer<typeof alertStateSchema>;

export interface NoiseSettings {
  readonly quietMinutes: number;
  readonly on: readonly AlertHealth[] | null;
  readonly groups: readonly string[] | null;
  readonly services: readonly string[] | null;
  readonly pausedHours: number | null;
}

export type PlanOutcome =
  | 'sent'
  | 'held'
  | 'flapping'
  | 'suppressed'
  | 'duplicate'
  | 'stale'
  | 'filtered'
  | 'not_a_change'
  | 'first_seen';

export interface AlertPlan {
  /** What to store for the connection (the same object when nothing changed). */
  readonly state: ConnectionAlertState;
  readonly enqueue: readonly AlertIntent[];
  /** Intent keys to withdraw if still unsent. */
  readonly cancel: readonly string[];
  readonly outcome: PlanOutcome;
}

const RECENT_LIMIT = 20;

export function emptyAlertState(connectionId: string): ConnectionAlertState {
  return {
    connection_id: connectionId,
    recent: [],
    last_change_at: null,
    flapping: null,
    paused_since: null,
  };
}

/** Group and service filters: a connection outside them is never alerted. */
export function connectionSelected(connection: ConnectionRef, settings: NoiseSettings): boolean {
  if (settings.groups && !(connection.group_id && settings.groups.includes(connection.group_id)))
    return false;
  if (settings.services && !(connection.service && settings.services.includes(connection.service)))
    return false;
  return true;
}

/** `ALERT_ON`: a change is announced when it enters or leaves a listed health. */
function healthSelected(change: AlertChange, on: readonly AlertHealth[] | null): boolean {
  if (on === null) return true;
  return on.includes(change.health) || (change.previous !== null && on.includes(change.previous));
}

const ms = (iso: string) => Date.parse(iso);
const plusMinutes = (iso: string, minutes: number) => new Date(ms(iso) + minutes * 60_000).toISOString();

export const changeKey = (id: string, at: string) => `change:${id}:${at}`;
export const pausedKey = (id: string, since: string) => `paused:${id}:${since}`;

/** The reminder for a pause that outlasts `pausedHours`, due when it does. */
export function pausedReminder(connection: ConnectionRef, since: string, hours: number): AlertIntent {
  return {
    key: pausedKey(connection.id, since),
    lane: `${connection.id}/paused`,
    seq: sequenceOf(since),
    message: { kind: 'paused_long', connection, paused_since: since, hours },
    due_at: new Date(ms(since) + hours * 3_600_000).toISOString(),
  };
}

/** Schedules or withdraws the pause reminder; independent of `ALERT_ON` and of flapping. */
function planPause(state: ConnectionAlertState, change: AlertChange, settings: NoiseSettings) {
  const enqueue: AlertIntent[] = [];
  const cancel: string[] = [];
  let pausedSince = state.paused_since;
  if (change.previous === 'paused' && change.health !== 'paused' && pausedSince) {
    cancel.push(pausedKey(change.connection_id, pausedSince));
    pausedSince = null;
  }
  if (change.health === 'paused' && settings.pausedHours !== null) {
    const since = change.health_reason?.since ?? change.changed_at;
    enqueue.push(pausedReminder(connectionRef(change), since, settings.pausedHours));
    pausedSince = since;
  }
  return { enqueue, cancel, pausedSince };
}

function distinctHealths(entries: readonly { from: AlertHealth | null; to: AlertHealth }[]): AlertHealth[] {
  const seen = new Set<AlertHealth>();
  for (const entry of entries) {
    if (entry.from) seen.add(entry.from);
    seen.add(entry.to);
  }
  return [...seen];
}

export function planChange(
  previousState: ConnectionAlertState | null,
  input: AlertChangeInput,
  settings: NoiseSettings,
): AlertPlan {
  const change = alertChangeSchema.parse(input);
  const state = previousState ?? emptyAlertState(change.connection_id);
  const none = (outcome: PlanOutcome): AlertPlan => ({ state, enqueue: [], cancel: [], outcome });
  if (change.previous === change.health) return none('not_a_change');
  const connection = connectionRef(change);
  if (!connectionSelected(connection, settings)) return none('filtered');
  const at = change.changed_at;
  const duplicate = state.recent.some((e) => ms(e.at) === ms(at) && e.to === change.health);
  if (duplicate) return none('duplicate');
  // Older than what was already planned: the newest fact won in the store; an old change is no news.
  if (state.last_change_at !== null && ms(at) < ms(state.last_change_at)) return none('stale');

  const pause = planPause(state, change, settings);
  const base = { ...state, paused_since: pause.pausedSince };
  const withPause = (plan: Omit<AlertPlan, 'enqueue' | 'cancel'> & Partial<AlertPlan>): AlertPlan => ({
    ...plan,
    enqueue: [...pause.enqueue, ...(plan.enqueue ?? [])],
    cancel: [...pause.cancel, ...(plan.cancel ?? [])],
  });

  // A first sighting is news only when it is already bad; a large account's first sweep is not a storm.
  if (change.previous === null && change.health !== 'failing' && change.health !== 'delayed') {
    return withPause({ state: base, outcome: 'first_seen' });
  }
  if (!healthSelected(change, settings.on)) return withPause({ state: base, outcome: 'filtered' });

  const quiet = settings.quietMinutes;
  const windowStart = ms(at) - quiet * 60_000;
  const entry = { at, from: change.previous, to: change.health };
  const stillFlapping =
    base.flapping !== null &&
    base.last_change_at !== null &&
    ms(at) - ms(base.last_change_at) <= quiet * 60_000;

  if (stillFlapping && base.flapping) {
    const flapping = {
      ...base.flapping,
      changes: base.flapping.changes + 1,
      healths: [...new Set([...base.flapping.healths, change.health])],
    };
    const recent = [...base.recent, { ...entry, outcome: 'suppressed' as const }].slice(-RECENT_LIMIT);
    return withPause({
      state: { ...base, recent, last_change_at: at, flapping },
      enqueue: [settledIntent(connection, change, flapping, quiet)],
      outcome: 'suppressed',
    });
  }

  const inWindow = base.recent.filter((e) => ms(e.at) > windowStart);
  const count = inWindow.length + 1;

  if (count > 2) {
    const held = inWindow.filter((e) => e.outcome === 'held');
    const since = inWindow[0]?.at ?? at;
    const flapping = { since, changes: count, healths: distinctHealths([...inWindow, entry]) };
    const recent = [
      ...inWindow.map((e) => (e.outcome === 'held' ? { ...e, outcome: 'suppressed' as const } : e)),
      { ...entry, outcome: 'flapping' as const },
    ].slice(-RECENT_LIMIT);
    return withPause({
      state: { ...base, recent, last_change_at: at, flapping },
      enqueue: [
        {
          key: `flapping:${connection.id}:${since}`,
          lane: connection.id,
          seq: sequenceOf(at, 0),
          message: {
            kind: 'flapping',
            connection,
            changes: count,
            window_start: since,
            last_change_at: at,
            current: change.health,
            healths: flapping.healths,
            reason: change.health_reason,
            quiet_minutes: quiet,
          },
          due_at: at,
        },
        settledIntent(connection, change, flapping, quiet),
      ],
      cancel: held.map((e) => changeKey(connection.id, e.at)),
      outcome: 'flapping',
    });
  }

  const previousEntry = inWindow[inWindow.length - 1];
  const undoes = previousEntry !== undefined && previousEntry.from === change.health;
  const dueAt = undoes && previousEntry ? plusMinutes(previousEntry.at, quiet) : at;
  const outcome = undoes ? ('held' as const) : ('sent' as const);
  return withPause({
    state: {
      ...base,
      recent: [...inWindow, { ...entry, outcome }].slice(-RECENT_LIMIT),
      last_change_at: at,
      flapping: null,
    },
    enqueue: [
      {
        key: changeKey(connection.id, at),
        lane: connection.id,
        seq: sequenceOf(at),
        message: {
          kind: 'change',
          connection,
          from: change.previous,
          to: change.health,
          reason: change.health_reason,
          changed_at: at,
        },
        due_at: dueAt,
      },
    ],
    outcome,
  });
}

/** The "settled" message, re-planned on every suppressed change: due once the connection is quiet. */
function settledIntent(
  connection: ConnectionRef,
  change: AlertChange,
  flapping: { since: string; changes: number; healths: AlertHealth[] },
  quiet: number,
): AlertIntent {
  return {
    key: `settled:${connection.id}:${flapping.since}`,
    lane: connection.id,
    seq: sequenceOf(change.changed_at, 1),
    message: {
      kind: 'settled',
      connection,
      health: change.health,
      reason: change.health_reason,
      changes: flapping.changes,
      flapping_since: flapping.since,
      last_change_at: change.changed_at,
      healths: flapping.healths,
    },
    due_at: plusMinutes(change.changed_at, quiet),
  };
}
