import * as z from 'zod';
import { ConfigError, type Env } from '../config/env.ts';
import { isLoopbackHost } from '../config/fivetran-settings.ts';
import { ALERT_HEALTH_VALUES, type AlertHealth, alertHealthSchema } from './alert-model.ts';
import { PAGERDUTY_EVENTS_URL } from './pagerduty-event.ts';

/**
 * Alert settings from the environment (or `.env`; deployed, the three secret ones come from the alert secret,
 * see `alertEnvFromSecret`). Every problem is one line naming the variable; the value of a secret variable is
 * never repeated in it.
 */
export interface AlertChannels {
  readonly slack: { readonly url: string } | null;
  readonly teams: { readonly url: string } | null;
  readonly pagerduty: { readonly routingKey: string; readonly eventsUrl: string } | null;
}

export interface DigestSchedule {
  readonly hour: number;
  readonly minute: number;
  /** IANA zone name; `UTC` unless one follows the time. */
  readonly timeZone: string;
}

export interface AlertConfig {
  readonly channels: AlertChannels;
  readonly quietMinutes: number;
  /** Health values whose entry or exit is announced; null = every change. */
  readonly on: readonly AlertHealth[] | null;
  /** Only these group ids / services; null = all. */
  readonly groups: readonly string[] | null;
  readonly services: readonly string[] | null;
  readonly digest: DigestSchedule | null;
  readonly pausedHours: number | null;
  readonly dashboardUrl: string | null;
}

export const DEFAULT_QUIET_MINUTES = 10;
export const ALERT_SECRET_KEYS = ['SLACK_WEBHOOK_URL', 'TEAMS_WEBHOOK_URL', 'PAGERDUTY_ROUTING_KEY'] as const;

/** Blank means unset, as everywhere in this project's configuration. */
function blankToUndefined(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankToUndefined, schema.optional());
}

/** https, or plain http to a loopback host (local receivers); the value is never echoed: it is a secret. */
function endpointUrl(variable: string, secret: boolean) {
  return z
    .string()
    .max(2_048, `${variable} is longer than 2048 characters`)
    .refine(
      (value) => {
        try {
          const url = new URL(value);
          return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
        } catch {
          return false;
        }
      },
      {
        error: (issue) =>
          secret
            ? `${variable} must be an https URL (http only to a loopback host); the value given is not shown`
            : `${variable} must be an https URL (http only to a loopback host), got "${String(issue.input).slice(0, 200)}"`,
      },
    );
}

function dashboardUrl() {
  return z
    .string()
    .max(500, 'ALERT_DASHBOARD_URL is longer than 500 characters')
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), {
      error: (issue) => `ALERT_DASHBOARD_URL must be an http(s) URL, got "${String(issue.input)}"`,
    });
}

function list(variable: string) {
  return z
    .string()
    .transform((value) => [...new Set(value.split(',').map((part) => part.trim()))].filter(Boolean))
    .refine((values) => values.length > 0, `${variable} lists nothing; leave it unset for all`)
    .refine((values) => values.length <= 200, `${variable} lists more than 200 values`)
    .refine(
      (values) => values.every((item) => item.length <= 1_024),
      `${variable} has a value over 1024 characters`,
    );
}

const healthList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim().toLowerCase())
      .filter(Boolean),
  )
  .superRefine((values, context) => {
    if (values.length === 0) context.addIssue({ code: 'custom', message: 'ALERT_ON lists nothing' });
    for (const value of values) {
      if (value !== 'all' && !alertHealthSchema.safeParse(value).success) {
        context.addIssue({
          code: 'custom',
          message: `ALERT_ON: unknown health "${value.slice(0, 40)}"; use all or ${ALERT_HEALTH_VALUES.join(', ')}`,
        });
      }
    }
  })
  .transform((values) => (values.includes('all') ? null : ([...new Set(values)] as AlertHealth[])));

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const digestAt = z.string().transform((value, context): DigestSchedule => {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)(?:\s+(\S{1,64}))?$/.exec(value);
  if (!match) {
    context.addIssue({
      code: 'custom',
      message: `ALERT_DIGEST_AT must be HH:MM, optionally followed by a time zone (09:00 Europe/Paris), got "${value.slice(0, 80)}"`,
    });
    return z.NEVER;
  }
  const timeZone = match[3] ?? 'UTC';
  if (!isTimeZone(timeZone)) {
    context.addIssue({ code: 'custom', message: `ALERT_DIGEST_AT: unknown time zone "${timeZone}"` });
    return z.NEVER;
  }
  return { hour: Number(match[1]), minute: Number(match[2]), timeZone };
});

function wholeNumber(variable: string, min: number, max: number) {
  return z
    .string()
    .refine((value) => /^\d+$/.test(value), {
      error: (issue) => `${variable} must be a whole number, got "${String(issue.input).slice(0, 40)}"`,
    })
    .transform(Number)
    .refine((value) => value >= min && value <= max, {
      error: (issue) => `${variable} must be between ${min} and ${max}, got ${String(issue.input)}`,
    });
}

const pausedHours = z
  .string()
  .refine((value) => /^\d+(\.\d+)?$/.test(value), {
    error: (issue) =>
      `ALERT_PAUSED_HOURS must be a number of hours, got "${String(issue.input).slice(0, 40)}"`,
  })
  .transform(Number)
  .refine((value) => value > 0 && value <= 8_760, {
    error: (issue) => `ALERT_PAUSED_HOURS must be more than 0 and at most 8760, got ${String(issue.input)}`,
  });

/** PagerDuty integration keys are 32 characters; anything of letters, digits, `_` or `-` up to 128 is let through. */
const routingKey = z
  .string()
  .regex(
    /^[A-Za-z0-9_-]{8,128}$/,
    'PAGERDUTY_ROUTING_KEY must be 8 to 128 letters, digits, _ or -; the value given is not shown',
  );

const alertEnvSchema = z.object({
  SLACK_WEBHOOK_URL: optional(endpointUrl('SLACK_WEBHOOK_URL', true)),
  TEAMS_WEBHOOK_URL: optional(endpointUrl('TEAMS_WEBHOOK_URL', true)),
  PAGERDUTY_ROUTING_KEY: optional(routingKey),
  PAGERDUTY_EVENTS_URL: optional(endpointUrl('PAGERDUTY_EVENTS_URL', false)),
  ALERT_QUIET_MINUTES: optional(wholeNumber('ALERT_QUIET_MINUTES', 1, 24 * 60)),
  ALERT_ON: optional(healthList),
  ALERT_GROUPS: optional(list('ALERT_GROUPS')),
  ALERT_SERVICES: optional(list('ALERT_SERVICES')),
  ALERT_DIGEST_AT: optional(digestAt),
  ALERT_PAUSED_HOURS: optional(pausedHours),
  ALERT_DASHBOARD_URL: optional(dashboardUrl()),
});

/** The first problem as one line (`ALERT_ON: unknown health "x"; …`). */
function oneLine(error: z.ZodError): ConfigError {
  const issue = error.issues[0];
  const variable = String(issue?.path[0] ?? 'alert settings');
  const message = issue?.message ?? 'invalid';
  return new ConfigError(message.startsWith(variable) ? message : `${variable}: ${message}`);
}

export function parseAlertConfig(env: Env): AlertConfig {
  const parsed = alertEnvSchema.safeParse(env);
  if (!parsed.success) throw oneLine(parsed.error);
  const value = parsed.data;
  return {
    channels: {
      slack: value.SLACK_WEBHOOK_URL ? { url: value.SLACK_WEBHOOK_URL } : null,
      teams: value.TEAMS_WEBHOOK_URL ? { url: value.TEAMS_WEBHOOK_URL } : null,
      pagerduty: value.PAGERDUTY_ROUTING_KEY
        ? {
            routingKey: value.PAGERDUTY_ROUTING_KEY,
            eventsUrl: value.PAGERDUTY_EVENTS_URL ?? PAGERDUTY_EVENTS_URL,
          }
        : null,
    },
    quietMinutes: value.ALERT_QUIET_MINUTES ?? DEFAULT_QUIET_MINUTES,
    on: value.ALERT_ON ?? null,
    groups: value.ALERT_GROUPS ?? null,
    services: value.ALERT_SERVICES ?? null,
    digest: value.ALERT_DIGEST_AT ?? null,
    pausedHours: value.ALERT_PAUSED_HOURS ?? null,
    dashboardUrl: value.ALERT_DASHBOARD_URL?.replace(/\/+$/, '') ?? null,
  };
}

/** Whether any channel is configured (no channel: nothing is enqueued at all). */
export function hasAlertChannels(config: AlertConfig): boolean {
  return Boolean(config.channels.slack || config.channels.teams || config.channels.pagerduty);
}

const alertSecretSchema = z.strictObject({
  SLACK_WEBHOOK_URL: z.string().optional(),
  TEAMS_WEBHOOK_URL: z.string().optional(),
  PAGERDUTY_ROUTING_KEY: z.string().optional(),
});

/**
 * The deployed alert secret: a JSON object with the same names as the variables, e.g.
 * `{"SLACK_WEBHOOK_URL":"https://hooks.slack.com/…"}`; created empty (`{}`), filled by the operator. Returns
 * env entries to lay over the Lambda's environment before `parseAlertConfig`.
 */
export function alertEnvFromSecret(secretText: string): Env {
  if (secretText.trim() === '') return {};
  let json: unknown;
  try {
    json = JSON.parse(secretText);
  } catch {
    throw new ConfigError('the alert secret is not JSON; expected {"SLACK_WEBHOOK_URL": "…", …}');
  }
  const parsed = alertSecretSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const keys = issue?.code === 'unrecognized_keys' ? ` (${issue.keys.slice(0, 5).join(', ')})` : '';
    throw new ConfigError(
      `the alert secret may hold only ${ALERT_SECRET_KEYS.join(', ')} as strings${keys.slice(0, 200)}`,
    );
  }
  return parsed.data;
}
