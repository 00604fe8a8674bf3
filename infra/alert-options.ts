import { z } from 'zod';
import { parseAlertConfig } from '../functions/commons/alerts/alert-config.ts';
import { CHANNEL_NAMES, type ChannelName } from '../functions/commons/alerts/alert-model.ts';

/**
 * The deploy-time alert options (CDK context, see the operator's guide, "Alerts"):
 * - `alertChannels`: the chat and paging channels the stack enables: a comma list of `slack`, `teams`,
 *   `pagerduty`, or `none`. Default: all three. Enabled, the stack creates the alerts function, its
 *   schedule, its alarms and the one channel secret (created empty); the writers keep each health change for
 *   it. A channel is used once its URL or key is in the secret; one in the secret but not listed here is
 *   ignored (a quick way to silence a channel without touching the secret). `none` creates none of it.
 * - the other settings are the local `ALERT_*` variables, passed to the alerts function as they are and
 *   checked at synth: `alertQuietMinutes`, `alertOn`, `alertGroups`, `alertServices`, `alertDigestAt`,
 *   `alertPausedHours`, `alertDashboardUrl`, and `alertPagerDutyEventsUrl` (PAGERDUTY_EVENTS_URL, e.g.
 *   `https://events.eu.pagerduty.com/v2/enqueue` for PagerDuty's EU region).
 * The SNS e-mail of every health change (`alertEmail`) is separate and unchanged.
 */
export interface AlertOptions {
  readonly channels: readonly ChannelName[];
  /** The alerts function's `ALERT_*` settings (never a secret). */
  readonly environment: Readonly<Record<string, string>>;
}

const SETTING_VARIABLES = {
  alertQuietMinutes: 'ALERT_QUIET_MINUTES',
  alertOn: 'ALERT_ON',
  alertGroups: 'ALERT_GROUPS',
  alertServices: 'ALERT_SERVICES',
  alertDigestAt: 'ALERT_DIGEST_AT',
  alertPausedHours: 'ALERT_PAUSED_HOURS',
  alertDashboardUrl: 'ALERT_DASHBOARD_URL',
  alertPagerDutyEventsUrl: 'PAGERDUTY_EVENTS_URL',
} as const;

/** From the command line a string; from cdk.json a string, number or list. */
const contextValue = z
  .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))])
  .transform((value) => (Array.isArray(value) ? value.join(',') : String(value)))
  .optional();

/** The context keys, merged into the stack's context schema (stack-options.ts). */
export const alertContextShape = {
  alertChannels: contextValue,
  ...(Object.fromEntries(Object.keys(SETTING_VARIABLES).map((key) => [key, contextValue])) as Record<
    keyof typeof SETTING_VARIABLES,
    typeof contextValue
  >),
};

type AlertContext = { readonly [K in keyof typeof alertContextShape]?: string | undefined };

function parseChannels(value: string | undefined): ChannelName[] {
  if (value === undefined) return [...CHANNEL_NAMES];
  const names = value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 1 && names[0] === 'none') return [];
  const unknown = names.find((name) => !(CHANNEL_NAMES as readonly string[]).includes(name));
  if (unknown !== undefined || names.length === 0) {
    throw new Error(
      `invalid CDK context "alertChannels": a comma list of ${CHANNEL_NAMES.join(', ')}, or none (got ${JSON.stringify(value)})`,
    );
  }
  return CHANNEL_NAMES.filter((name) => names.includes(name));
}

/** Reads the alert options from the parsed context; a bad setting fails synth naming its context key. */
export function readAlertOptions(context: AlertContext): AlertOptions {
  const channels = parseChannels(context.alertChannels);
  const environment: Record<string, string> = {};
  for (const [key, variable] of Object.entries(SETTING_VARIABLES)) {
    const value = context[key as keyof typeof SETTING_VARIABLES];
    if (value !== undefined && value.trim() !== '') environment[variable] = value.trim();
  }
  try {
    parseAlertConfig(environment);
  } catch (error) {
    const message = (error as Error).message;
    const entry = Object.entries(SETTING_VARIABLES).find(([, variable]) => message.startsWith(variable));
    const key = entry?.[0] ?? 'alert settings';
    throw new Error(
      `invalid CDK context "${key}": ${message} (got ${JSON.stringify(entry ? environment[entry[1]] : undefined)})`,
    );
  }
  return { channels, environment };
}
