import type { AlertLinkSettings } from './alert-links.ts';
import { dashboardConnectionUrl, dashboardHomeUrl, fivetranConnectionUrl } from './alert-links.ts';
import type {
  AlertHealth,
  AlertMessage,
  AlertMessageOf,
  ConnectionRef,
  HealthReason,
} from './alert-model.ts';
import { sanitizeText } from './alert-text.ts';

/**
 * What a message says, before any channel's format: every channel renders the same words, so Slack, Teams and
 * PagerDuty never disagree. Texts here are raw; each renderer escapes and clips them for its format.
 */
export type AlertTone = 'bad' | 'warn' | 'good' | 'info';

export interface AlertContent {
  readonly title: string;
  readonly summary: string;
  readonly facts: readonly { readonly label: string; readonly value: string }[];
  /** One line per listed connection (digest only). */
  readonly lines: readonly string[];
  readonly links: readonly { readonly label: string; readonly url: string }[];
  readonly tone: AlertTone;
}

const REASON_LABELS = new Map<string, string>(
  Object.entries({
    paused: 'Paused',
    setup_broken: 'Setup broken',
    task_open: 'Open task',
    sync_failed: 'Sync failed',
    connection_failure: 'Connection failure',
    setup_incomplete: 'Setup incomplete',
    first_sync_pending: 'First sync pending',
    delayed: 'Delayed',
    late: 'Late',
  }),
);

/** `2026-05-22 00:06 UTC`: readable in every client, unambiguous across time zones. */
export function formatInstant(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The name people know a connection by: its schema (Fivetran's connection name), else its id. */
export function connectionName(connection: ConnectionRef): string {
  return sanitizeText(connection.schema) || connection.id;
}

function groupLabel(connection: ConnectionRef): string | null {
  const group = sanitizeText(connection.group_name) || sanitizeText(connection.group_id);
  const destination = sanitizeText(connection.destination_service);
  if (group && destination) return `${group} (${destination})`;
  return group || destination || null;
}

function reasonText(reason: HealthReason | null): string | null {
  if (!reason) return null;
  const label = REASON_LABELS.get(reason.code) ?? reason.code;
  const message = sanitizeText(reason.message);
  return message ? `${label}: ${message}` : label;
}

function toneOf(health: AlertHealth): AlertTone {
  if (health === 'failing') return 'bad';
  if (health === 'delayed' || health === 'pending') return 'warn';
  if (health === 'healthy') return 'good';
  return 'info';
}

function connectionFacts(connection: ConnectionRef): { label: string; value: string }[] {
  const facts = [{ label: 'Connection', value: `${connectionName(connection)} (${connection.id})` }];
  if (connection.service) facts.push({ label: 'Service', value: connection.service });
  const group = groupLabel(connection);
  if (group) facts.push({ label: 'Group / destination', value: group });
  return facts;
}

function connectionLinks(connection: ConnectionRef, settings: AlertLinkSettings) {
  const links = [{ label: 'Open in Fivetran', url: fivetranConnectionUrl(connection, settings) }];
  const dashboard = dashboardConnectionUrl(connection, settings);
  if (dashboard) links.push({ label: 'Open in dashboard', url: dashboard });
  return links;
}

function homeLinks(settings: AlertLinkSettings) {
  const home = dashboardHomeUrl(settings);
  return home ? [{ label: 'Open dashboard', url: home }] : [];
}

function optionalFact(label: string, value: string | null): { label: string; value: string }[] {
  return value ? [{ label, value }] : [];
}

function describeChange(message: AlertMessageOf<'change'>, settings: AlertLinkSettings): AlertContent {
  const name = connectionName(message.connection);
  const again = message.to === 'healthy' && message.from !== null ? ' again' : '';
  const transition = `${message.from ?? 'new'} → ${message.to}`;
  const reason = reasonText(message.reason);
  const since = message.reason?.since ?? message.changed_at;
  return {
    title: `${name} is ${message.to}${again}`,
    summary: reason ? `${transition}. ${reason}` : `${transition}.`,
    facts: [
      ...connectionFacts(message.connection),
      { label: 'Health', value: transition },
      ...optionalFact('Reason', reason),
      { label: 'Since', value: formatInstant(since) },
    ],
    lines: [],
    links: connectionLinks(message.connection, settings),
    tone: toneOf(message.to),
  };
}

function describeFlapping(message: AlertMessageOf<'flapping'>, settings: AlertLinkSettings): AlertContent {
  const name = connectionName(message.connection);
  const minutes = message.quiet_minutes;
  return {
    title: `${name} is flapping`,
    summary:
      `${message.changes} health changes within ${minutes} minutes; now ${message.current}. ` +
      `Further changes are held until it has been quiet for ${minutes} minutes, then its settled state is sent.`,
    facts: [
      ...connectionFacts(message.connection),
      { label: 'Health seen', value: message.healths.join(', ') },
      { label: 'Now', value: message.current },
      ...optionalFact('Reason', reasonText(message.reason)),
      { label: 'Flapping since', value: formatInstant(message.window_start) },
    ],
    lines: [],
    links: connectionLinks(message.connection, settings),
    tone: message.healths.includes('failing') ? 'bad' : 'warn',
  };
}

function describeSettled(message: AlertMessageOf<'settled'>, settings: AlertLinkSettings): AlertContent {
  const name = connectionName(message.connection);
  const reason = reasonText(message.reason);
  return {
    title: `${name} settled: ${message.health}`,
    summary: `Quiet again after ${message.changes} changes since ${formatInstant(message.flapping_since)}; now ${message.health}.`,
    facts: [
      ...connectionFacts(message.connection),
      { label: 'Health', value: message.health },
      ...optionalFact('Reason', reason),
      { label: 'Since', value: formatInstant(message.reason?.since ?? message.last_change_at) },
    ],
    lines: [],
    links: connectionLinks(message.connection, settings),
    tone: toneOf(message.health),
  };
}

function describePausedLong(
  message: AlertMessageOf<'paused_long'>,
  settings: AlertLinkSettings,
): AlertContent {
  const name = connectionName(message.connection);
  return {
    title: `${name} has been paused for over ${message.hours} hours`,
    summary: `Paused since ${formatInstant(message.paused_since)} and not resumed.`,
    facts: [
      ...connectionFacts(message.connection),
      { label: 'Paused since', value: formatInstant(message.paused_since) },
    ],
    lines: [],
    links: connectionLinks(message.connection, settings),
    tone: 'warn',
  };
}

function describeDigest(message: AlertMessageOf<'digest'>, settings: AlertLinkSettings): AlertContent {
  const counts = Object.entries(message.counts)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(([health, count]) => `${count} ${health}`)
    .join(', ');
  const lines = message.entries.map((entry) => {
    const service = entry.connection.service ? ` (${sanitizeText(entry.connection.service)})` : '';
    const since = entry.reason?.since ? ` since ${formatInstant(entry.reason.since)}` : '';
    const reason = reasonText(entry.reason);
    return `${connectionName(entry.connection)}${service}: ${entry.health}${since}${reason ? ` — ${reason}` : ''}`;
  });
  const more = message.total - message.entries.length;
  if (more > 0) lines.push(`… and ${more} more`);
  const plural = message.total === 1 ? 'connection is' : 'connections are';
  return {
    title:
      message.total === 0
        ? 'Fivetran digest: all connections healthy'
        : `Fivetran digest: ${message.total} unhealthy`,
    summary:
      message.total === 0
        ? `Nothing is failing or delayed at ${formatInstant(message.at)}.`
        : `${message.total} ${plural} not healthy at ${formatInstant(message.at)}${counts ? `: ${counts}` : ''}.`,
    facts: [],
    lines,
    links: homeLinks(settings),
    tone: (message.counts.failing ?? 0) > 0 ? 'bad' : message.total > 0 ? 'warn' : 'good',
  };
}

function describeTest(message: AlertMessageOf<'test'>, settings: AlertLinkSettings): AlertContent {
  return {
    title: 'Test alert from fivetran-metadata',
    summary: `fivetran-metadata can post to this channel (sent ${formatInstant(message.at)}). No action needed.`,
    facts: [],
    lines: [],
    links: homeLinks(settings),
    tone: 'info',
  };
}

export function describeAlert(message: AlertMessage, settings: AlertLinkSettings): AlertContent {
  switch (message.kind) {
    case 'change':
      return describeChange(message, settings);
    case 'flapping':
      return describeFlapping(message, settings);
    case 'settled':
      return describeSettled(message, settings);
    case 'paused_long':
      return describePausedLong(message, settings);
    case 'digest':
      return describeDigest(message, settings);
    case 'test':
      return describeTest(message, settings);
  }
}
