import { createHash } from 'node:crypto';
import { type AlertContent, connectionName } from './alert-content.ts';
import type { AlertMessage, ConnectionRef } from './alert-model.ts';
import { PAGERDUTY_LIMITS, plainText } from './alert-text.ts';

/**
 * PagerDuty Events API v2 (`POST https://events.pagerduty.com/v2/enqueue`). PagerDuty pages people, so it
 * hears only about failing: `trigger` when a connection turns failing (or flaps through failing), `resolve`
 * when it leaves failing; every event of one connection carries the same `dedup_key`, so the resolve closes
 * the alert the trigger opened. Delayed, paused, digests and pause reminders stay in chat.
 */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export type PagerDutyAction =
  | { readonly action: 'trigger'; readonly severity: PagerDutySeverity }
  | { readonly action: 'resolve' };

export interface PagerDutyTrigger {
  readonly routing_key: string;
  readonly event_action: 'trigger';
  readonly dedup_key: string;
  readonly payload: {
    readonly summary: string;
    readonly source: string;
    readonly severity: PagerDutySeverity;
    readonly timestamp: string;
    readonly component?: string;
    readonly group?: string;
    readonly class?: string;
    readonly custom_details: Record<string, string>;
  };
  readonly links: readonly { readonly href: string; readonly text: string }[];
  readonly client: 'fivetran-metadata';
  readonly client_url?: string;
}

export interface PagerDutyResolve {
  readonly routing_key: string;
  readonly event_action: 'resolve';
  readonly dedup_key: string;
}

export type PagerDutyEvent = PagerDutyTrigger | PagerDutyResolve;

/** What PagerDuty should do for a message, or null when it is not PagerDuty's business. */
export function pagerDutyAction(message: AlertMessage): PagerDutyAction | null {
  switch (message.kind) {
    case 'change':
      if (message.to === 'failing') return { action: 'trigger', severity: 'error' };
      return message.from === 'failing' ? { action: 'resolve' } : null;
    case 'flapping':
      return message.healths.includes('failing') ? { action: 'trigger', severity: 'warning' } : null;
    case 'settled':
      if (message.health === 'failing') return { action: 'trigger', severity: 'error' };
      return message.healths.includes('failing') ? { action: 'resolve' } : null;
    case 'test':
      return { action: 'trigger', severity: 'info' };
    default:
      return null;
  }
}

const DEDUP_PREFIX = 'fivetran-metadata/connection/';

/** One key per connection, stable for its life; a very long id is hashed to fit PagerDuty's 255 characters. */
export function pagerDutyDedupKey(connectionId: string): string {
  const key = DEDUP_PREFIX + connectionId;
  if (key.length <= PAGERDUTY_LIMITS.dedupKey) return key;
  return `${DEDUP_PREFIX}sha256:${createHash('sha256').update(connectionId).digest('hex')}`;
}

/** The key for `alerts test`: its own alert, resolved right after, so no one is left with an open incident. */
export function pagerDutyTestDedupKey(at: string): string {
  return `fivetran-metadata/test/${at}`;
}

function connectionOf(message: AlertMessage): ConnectionRef | null {
  return 'connection' in message ? message.connection : null;
}

function timestampOf(message: AlertMessage): string {
  switch (message.kind) {
    case 'change':
      return message.changed_at;
    case 'flapping':
    case 'settled':
      return message.last_change_at;
    case 'paused_long':
      return message.paused_since;
    default:
      return message.at;
  }
}

function detailsOf(message: AlertMessage, content: AlertContent): Record<string, string> {
  const details: Record<string, string> = { kind: message.kind };
  for (const fact of content.facts) details[fact.label] = plainText(fact.value, PAGERDUTY_LIMITS.detail);
  const connection = connectionOf(message);
  if (connection) details.connection_id = connection.id;
  return details;
}

/**
 * The event for a message (null when PagerDuty should not hear of it). `dedupKey` overrides the
 * connection's key (the test message uses its own).
 */
export function pagerDutyEvent(
  message: AlertMessage,
  content: AlertContent,
  routingKey: string,
  options: { readonly dedupKey?: string; readonly clientUrl?: string | null } = {},
): PagerDutyEvent | null {
  const decision = pagerDutyAction(message);
  if (!decision) return null;
  const connection = connectionOf(message);
  const dedupKey =
    options.dedupKey ??
    (connection ? pagerDutyDedupKey(connection.id) : pagerDutyTestDedupKey(timestampOf(message)));
  if (decision.action === 'resolve')
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  const reasonCode = 'reason' in message ? message.reason?.code : undefined;
  const group = connection ? (connection.group_name ?? connection.group_id) : null;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary: plainText(`${content.title}: ${content.summary}`, PAGERDUTY_LIMITS.summary),
      source: plainText(connection ? `fivetran:${connectionName(connection)}` : 'fivetran-metadata', 255),
      severity: decision.severity,
      timestamp: new Date(Date.parse(timestampOf(message))).toISOString(),
      ...(connection?.service ? { component: plainText(connection.service, PAGERDUTY_LIMITS.field) } : {}),
      ...(group ? { group: plainText(group, PAGERDUTY_LIMITS.field) } : {}),
      ...(reasonCode ? { class: plainText(reasonCode, 64) } : {}),
      custom_details: detailsOf(message, content),
    },
    links: content.links.map((link) => ({ href: link.url, text: link.label })),
    client: 'fivetran-metadata',
    ...(options.clientUrl ? { client_url: options.clientUrl } : {}),
  };
}
