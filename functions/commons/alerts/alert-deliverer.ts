import { channelRequest, endpointFingerprint } from './alert-channels.ts';
import type { AlertChannels } from './alert-config.ts';
import type { AlertLinkSettings } from './alert-links.ts';
import { type AlertLogger, CHANNEL_NAMES, type ChannelName } from './alert-model.ts';
import type { AlertOutbox, AlertOutboxItem } from './alert-outbox.ts';
import { type AnswerVerdict, judgeAnswer, refusalHint } from './channel-answer.ts';
import { postJson } from './http-post.ts';

/**
 * Sends what the outbox holds due. One pass: claim, POST, record the outcome; a retry is not waited for here
 * but stored with its due time, so the next pass (a timer locally, a scheduled function deployed) sends it.
 * Channels are served side by side; within a channel one message at a time, in lane order.
 */
export interface DeliverySettings {
  /** Attempts before a message is dropped (counted and logged). */
  readonly maxAttempts: number;
  /** Per request, connection to last byte. */
  readonly timeoutMs: number;
  /** Backoff ceiling doubles from `baseMs` up to `capMs`; the delay is drawn from its upper half. */
  readonly backoffBaseMs: number;
  readonly backoffCapMs: number;
  /** A `Retry-After` longer than this is cut to it, so no answer can park a message for days. */
  readonly maxRetryAfterMs: number;
  /** Items claimed at once; their lease covers sending all of them one after another. */
  readonly batchSize: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  maxAttempts: 10,
  timeoutMs: 10_000,
  backoffBaseMs: 30_000,
  backoffCapMs: 30 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
  batchSize: 10,
};

export interface DeliverAlertsOptions {
  readonly outbox: AlertOutbox;
  readonly channels: AlertChannels;
  readonly links: AlertLinkSettings;
  readonly logger: AlertLogger;
  readonly settings?: Partial<DeliverySettings>;
  readonly now?: () => Date;
  readonly fetch?: typeof fetch;
  readonly random?: () => number;
  /** Milliseconds the caller may still spend (a Lambda's remaining time); a pass stops before it runs out. */
  readonly remainingMs?: () => number;
  /** Items one pass handles at most. Default 200. */
  readonly maxItems?: number;
}

export interface ChannelCounts {
  delivered: number;
  retried: number;
  /** Gave up after `maxAttempts`. */
  dropped: number;
  /** Refused (4xx): the channel is misconfigured. */
  refused: number;
  /** The channel is no longer configured. */
  unconfigured: number;
}

export interface DeliveryReport {
  claimed: number;
  delivered: number;
  retried: number;
  dropped: number;
  refused: number;
  unconfigured: number;
  byChannel: Record<ChannelName, ChannelCounts>;
}

function emptyCounts(): ChannelCounts {
  return { delivered: 0, retried: 0, dropped: 0, refused: 0, unconfigured: 0 };
}

export function emptyDeliveryReport(): DeliveryReport {
  return {
    claimed: 0,
    delivered: 0,
    retried: 0,
    dropped: 0,
    refused: 0,
    unconfigured: 0,
    byChannel: { slack: emptyCounts(), teams: emptyCounts(), pagerduty: emptyCounts() },
  };
}

function count(report: DeliveryReport, channel: ChannelName, outcome: keyof ChannelCounts): void {
  report[outcome] += 1;
  report.byChannel[channel][outcome] += 1;
}

export function backoffMs(attempt: number, settings: DeliverySettings, random: () => number): number {
  const ceiling = Math.min(settings.backoffCapMs, settings.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}

export async function deliverDueAlerts(options: DeliverAlertsOptions): Promise<DeliveryReport> {
  const settings = { ...DEFAULT_DELIVERY_SETTINGS, ...options.settings };
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const remaining = options.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  const maxItems = options.maxItems ?? 200;
  const { outbox, logger } = options;
  const leaseMs = settings.batchSize * settings.timeoutMs + 60_000;
  const report = emptyDeliveryReport();
  /** A channel that answered 429 this pass waits until then: its other messages are not sent into the limit. */
  const throttledUntil = new Map<ChannelName, number>();
  const unconfiguredLogged = new Set<ChannelName>();

  async function finish(item: AlertOutboxItem, verdict: AnswerVerdict): Promise<void> {
    const at = now();
    const attempts = item.attempts + 1;
    const fields = { channel: item.channel, alert: item.intent_key, attempts };
    if (verdict.verdict === 'delivered') {
      await outbox.markDelivered(item.id, at);
      count(report, item.channel, 'delivered');
      if (await outbox.clearChannelFault(item.channel)) {
        logger.info('alert channel delivers again', { channel: item.channel, status: verdict.status });
      }
      return;
    }
    if (verdict.verdict === 'refused') {
      await outbox.markDead(item.id, { attempts, error: verdict.error }, at);
      count(report, item.channel, 'refused');
      const endpoint = endpointFingerprint(options.channels, item.channel) ?? 'none';
      const fault = { channel: item.channel, status: verdict.status, message: verdict.error, endpoint };
      if (await outbox.recordChannelFault({ ...fault, since: at.toISOString() })) {
        logger.error(
          `alert channel ${item.channel} is misconfigured: ${refusalHint(item.channel, verdict.status)}`,
          {
            ...fault,
            alert: item.intent_key,
          },
        );
      }
      return;
    }
    if (verdict.status === 429) {
      const wait = verdict.retryAfterMs ?? backoffMs(attempts, settings, random);
      throttledUntil.set(item.channel, at.getTime() + Math.min(wait, settings.maxRetryAfterMs));
    }
    if (attempts >= settings.maxAttempts) {
      await outbox.markDead(item.id, { attempts, error: verdict.error }, at);
      count(report, item.channel, 'dropped');
      logger.error(`alert dropped after ${attempts} attempts`, { ...fields, last_error: verdict.error });
      return;
    }
    const delay = Math.min(
      settings.maxRetryAfterMs,
      Math.max(1_000, verdict.retryAfterMs ?? backoffMs(attempts, settings, random)),
    );
    const dueAt = new Date(at.getTime() + delay);
    await outbox.scheduleRetry(item.id, { attempts, dueAt, error: verdict.error }, at);
    count(report, item.channel, 'retried');
    logger.warn('alert delivery failed; will retry', {
      ...fields,
      error: verdict.error,
      retry_at: dueAt.toISOString(),
    });
  }

  async function deliverOne(item: AlertOutboxItem): Promise<void> {
    const throttled = throttledUntil.get(item.channel);
    if (throttled !== undefined && throttled > now().getTime()) {
      // Not an attempt: the channel asked us to wait; this one goes when it may.
      await outbox.scheduleRetry(
        item.id,
        { attempts: item.attempts, dueAt: new Date(throttled), error: 'waiting: channel rate-limited' },
        now(),
      );
      return;
    }
    const request = channelRequest(item.channel, item.message, options.channels, options.links);
    if (!request) {
      await outbox.markDead(item.id, { attempts: item.attempts, error: 'channel not configured' }, now());
      count(report, item.channel, 'unconfigured');
      if (!unconfiguredLogged.has(item.channel)) {
        unconfiguredLogged.add(item.channel);
        logger.warn(`alerts for ${item.channel} dropped: the channel is no longer configured`, {
          channel: item.channel,
        });
      }
      return;
    }
    const outcome = await postJson(request.url, request.body, {
      timeoutMs: settings.timeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    await finish(item, judgeAnswer(item.channel, outcome, now().getTime()));
  }

  while (report.claimed < maxItems && remaining() > settings.timeoutMs * 2) {
    const batch = await outbox.claimDue(
      now(),
      Math.min(settings.batchSize, maxItems - report.claimed),
      leaseMs,
    );
    if (batch.length === 0) break;
    report.claimed += batch.length;
    await Promise.all(
      CHANNEL_NAMES.map(async (channel) => {
        for (const item of batch.filter((candidate) => candidate.channel === channel)) {
          if (remaining() < settings.timeoutMs + 1_000) {
            // Out of time: hand the claim back now rather than let it wait out its lease.
            const error = item.last_error ?? 'waiting: deliverer out of time';
            await outbox.scheduleRetry(item.id, { attempts: item.attempts, dueAt: now(), error }, now());
            continue;
          }
          await deliverOne(item);
        }
      }),
    );
  }
  return report;
}
