import { createHash } from 'node:crypto';
import type { AlertChannels } from './alert-config.ts';
import { describeAlert } from './alert-content.ts';
import { type AlertLinkSettings, dashboardHomeUrl } from './alert-links.ts';
import { type AlertMessage, CHANNEL_NAMES, type ChannelName } from './alert-model.ts';
import { pagerDutyAction, pagerDutyEvent } from './pagerduty-event.ts';
import { slackMessage } from './slack-message.ts';
import { teamsMessage } from './teams-message.ts';

/** One HTTP request a channel needs for a message. The URL (and PagerDuty's body) carry secrets. */
export interface ChannelRequest {
  readonly url: string;
  readonly body: unknown;
}

/** Whether a channel wants a message at all (PagerDuty hears only of failing; chat hears everything). */
export function channelAccepts(channel: ChannelName, message: AlertMessage): boolean {
  if (channel === 'pagerduty') return pagerDutyAction(message) !== null;
  return true;
}

export function configuredChannels(channels: AlertChannels): ChannelName[] {
  return CHANNEL_NAMES.filter((name) => channels[name] !== null);
}

/**
 * A short, stable fingerprint of where a channel points (hash of its URL or key), so a recorded fault can be
 * told apart from a new configuration without ever storing or logging the secret itself.
 */
export function endpointFingerprint(channels: AlertChannels, channel: ChannelName): string | null {
  const target = channels[channel];
  if (!target) return null;
  const secret = 'routingKey' in target ? `${target.eventsUrl} ${target.routingKey}` : target.url;
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

/** The request for a message on a channel; null when the channel is not configured or not interested. */
export function channelRequest(
  channel: ChannelName,
  message: AlertMessage,
  channels: AlertChannels,
  links: AlertLinkSettings,
  options: { readonly pagerDutyDedupKey?: string; readonly pagerDutyAction?: 'resolve' } = {},
): ChannelRequest | null {
  const content = describeAlert(message, links);
  switch (channel) {
    case 'slack':
      return channels.slack ? { url: channels.slack.url, body: slackMessage(content) } : null;
    case 'teams':
      return channels.teams ? { url: channels.teams.url, body: teamsMessage(content) } : null;
    case 'pagerduty': {
      const target = channels.pagerduty;
      if (!target) return null;
      const event = pagerDutyEvent(message, content, target.routingKey, {
        clientUrl: dashboardHomeUrl(links),
        ...(options.pagerDutyDedupKey ? { dedupKey: options.pagerDutyDedupKey } : {}),
      });
      if (!event) return null;
      const body =
        options.pagerDutyAction === 'resolve'
          ? { routing_key: event.routing_key, event_action: 'resolve', dedup_key: event.dedup_key }
          : event;
      return { url: target.eventsUrl, body };
    }
  }
}
