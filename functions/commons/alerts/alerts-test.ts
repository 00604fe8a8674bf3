import { channelRequest, configuredChannels } from './alert-channels.ts';
import type { AlertChannels } from './alert-config.ts';
import type { AlertLinkSettings } from './alert-links.ts';
import type { AlertMessage, ChannelName } from './alert-model.ts';
import { judgeAnswer, refusalHint } from './channel-answer.ts';
import { postJson } from './http-post.ts';
import { pagerDutyTestDedupKey } from './pagerduty-event.ts';

/**
 * `fivetran-metadata alerts test`: one test message to every configured channel, straight away (no outbox,
 * no retries: the operator wants the channel's own answer now). PagerDuty gets a trigger and, once accepted,
 * the matching resolve, so nobody is left with an open incident.
 */
export interface ChannelTestResult {
  readonly channel: ChannelName;
  /** The HTTP status, or null when the channel did not answer. */
  readonly status: number | null;
  readonly ok: boolean;
  /** One line for the operator; never the URL or key. */
  readonly message: string;
}

export interface AlertTestOptions {
  readonly channels: AlertChannels;
  readonly links: AlertLinkSettings;
  readonly now?: () => Date;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

async function testChannel(
  channel: ChannelName,
  message: AlertMessage & { kind: 'test' },
  options: AlertTestOptions,
): Promise<ChannelTestResult> {
  const post = { timeoutMs: options.timeoutMs ?? 10_000, ...(options.fetch ? { fetch: options.fetch } : {}) };
  const dedupKey = pagerDutyTestDedupKey(message.at);
  const request = channelRequest(channel, message, options.channels, options.links, {
    pagerDutyDedupKey: dedupKey,
  });
  if (!request) return { channel, status: null, ok: false, message: 'not configured' };
  const outcome = await postJson(request.url, request.body, post);
  const verdict = judgeAnswer(channel, outcome, Date.now());
  if (verdict.verdict === 'refused') {
    return {
      channel,
      status: verdict.status,
      ok: false,
      message: `refused (${verdict.error}): ${refusalHint(channel, verdict.status)}`,
    };
  }
  if (verdict.verdict === 'retry') {
    const what =
      verdict.status === null ? `no answer (${verdict.error})` : `temporarily failing (${verdict.error})`;
    return { channel, status: verdict.status, ok: false, message: `${what}; try again later` };
  }
  if (channel !== 'pagerduty')
    return { channel, status: verdict.status, ok: true, message: 'test message posted' };
  const resolve = channelRequest(channel, message, options.channels, options.links, {
    pagerDutyDedupKey: dedupKey,
    pagerDutyAction: 'resolve',
  });
  const resolved = resolve
    ? judgeAnswer(channel, await postJson(resolve.url, resolve.body, post), Date.now())
    : null;
  const closing =
    resolved?.verdict === 'delivered'
      ? 'and resolved'
      : `but its resolve failed (${resolved && 'error' in resolved ? resolved.error : 'not sent'}): resolve it by hand`;
  return { channel, status: verdict.status, ok: true, message: `test event accepted ${closing}` };
}

/** Each configured channel's answer, in channel order; an empty list when none is configured. */
export async function sendTestAlerts(options: AlertTestOptions): Promise<ChannelTestResult[]> {
  const at = (options.now ?? (() => new Date()))().toISOString();
  const message = { kind: 'test' as const, at };
  return Promise.all(
    configuredChannels(options.channels).map((channel) => testChannel(channel, message, options)),
  );
}
