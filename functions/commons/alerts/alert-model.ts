import * as z from 'zod';
import { HEALTH_VALUES } from '../connection/health.ts';

/**
 * The shapes alerts work on. Defined here, not borrowed from the store, so the alert core does not move
 * when the store does (the health values come from the connection's health module): the store hands over a superset of `AlertChange` and extra fields are dropped.
 */

/** The five verdicts and their reason codes are the health module's (one definition); a future code is still carried. */
export const ALERT_HEALTH_VALUES = HEALTH_VALUES;
export const alertHealthSchema = z.enum(ALERT_HEALTH_VALUES);
export type AlertHealth = z.infer<typeof alertHealthSchema>;

/** Clip limits from ARCHITECTURE "Rules that keep data safe": names and ids 1,024, messages 4,096. */
export const NAME_LIMIT = 1_024;
export const MESSAGE_LIMIT = 4_096;

const instant = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO instant');
const name = z.string().max(NAME_LIMIT);
const optionalName = name.nullable().optional().default(null);

export const healthReasonSchema = z.object({
  code: z.string().min(1).max(64),
  message: z.string().max(MESSAGE_LIMIT),
  since: instant.nullable().optional().default(null),
});
export type HealthReason = z.infer<typeof healthReasonSchema>;

/**
 * One health change of one connection, as the store reports it (`previous` null: first seen). Group name and
 * destination service are optional extras the caller may join in; without them messages show the group id.
 */
export const alertChangeSchema = z.object({
  connection_id: z.string().min(1).max(NAME_LIMIT),
  group_id: name.nullable(),
  service: name.nullable(),
  schema: name.nullable(),
  group_name: optionalName,
  destination_service: optionalName,
  previous: alertHealthSchema.nullable(),
  health: alertHealthSchema,
  health_reason: healthReasonSchema.nullable().optional().default(null),
  changed_at: instant,
});
export type AlertChange = z.infer<typeof alertChangeSchema>;
export type AlertChangeInput = z.input<typeof alertChangeSchema>;

/** What every message says about the connection it concerns. */
export const connectionRefSchema = z.object({
  id: z.string().min(1).max(NAME_LIMIT),
  schema: name.nullable(),
  service: name.nullable(),
  group_id: name.nullable(),
  group_name: name.nullable(),
  destination_service: name.nullable(),
});
export type ConnectionRef = z.infer<typeof connectionRefSchema>;

export function connectionRef(change: AlertChange): ConnectionRef {
  return {
    id: change.connection_id,
    schema: change.schema,
    service: change.service,
    group_id: change.group_id,
    group_name: change.group_name,
    destination_service: change.destination_service,
  };
}

const changeMessage = z.object({
  kind: z.literal('change'),
  connection: connectionRefSchema,
  from: alertHealthSchema.nullable(),
  to: alertHealthSchema,
  reason: healthReasonSchema.nullable(),
  changed_at: instant,
});

/** More than two changes within the quiet window: one message for the window instead of one per change. */
const flappingMessage = z.object({
  kind: z.literal('flapping'),
  connection: connectionRefSchema,
  changes: z.number().int().min(3),
  window_start: instant,
  last_change_at: instant,
  current: alertHealthSchema,
  /** Every verdict seen in the window (PagerDuty opens an incident only if `failing` is among them). */
  healths: z.array(alertHealthSchema).min(1),
  reason: healthReasonSchema.nullable(),
  quiet_minutes: z.number().int().positive(),
});

/** The quiet window passed after flapping: the state the connection settled in. */
const settledMessage = z.object({
  kind: z.literal('settled'),
  connection: connectionRefSchema,
  health: alertHealthSchema,
  reason: healthReasonSchema.nullable(),
  changes: z.number().int().min(3),
  flapping_since: instant,
  last_change_at: instant,
  healths: z.array(alertHealthSchema).min(1),
});

const pausedLongMessage = z.object({
  kind: z.literal('paused_long'),
  connection: connectionRefSchema,
  paused_since: instant,
  hours: z.number().positive(),
});

export const digestEntrySchema = z.object({
  connection: connectionRefSchema,
  health: alertHealthSchema,
  reason: healthReasonSchema.nullable(),
});
export type DigestEntry = z.infer<typeof digestEntrySchema>;

/** The daily list of what is still unhealthy (`entries` bounded; `total` counts them all). */
const digestMessage = z.object({
  kind: z.literal('digest'),
  at: instant,
  entries: z.array(digestEntrySchema).max(100),
  total: z.number().int().nonnegative(),
  counts: z.partialRecord(alertHealthSchema, z.number().int().nonnegative()),
});

const testMessage = z.object({ kind: z.literal('test'), at: instant });

export const alertMessageSchema = z.discriminatedUnion('kind', [
  changeMessage,
  flappingMessage,
  settledMessage,
  pausedLongMessage,
  digestMessage,
  testMessage,
]);
export type AlertMessage = z.infer<typeof alertMessageSchema>;
export type AlertMessageOf<K extends AlertMessage['kind']> = Extract<AlertMessage, { kind: K }>;

export const CHANNEL_NAMES = ['slack', 'teams', 'pagerduty'] as const;
export const channelNameSchema = z.enum(CHANNEL_NAMES);
export type ChannelName = z.infer<typeof channelNameSchema>;

/** Structured logger the alert core writes to (Powertools' Logger fits; so does a console shim). */
export interface AlertLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentAlertLogger: AlertLogger = { info() {}, warn() {}, error() {} };
