import { expect } from 'vitest';
import { configuredChannels } from '#commons/alerts/alert-channels';
import type { AlertChannels } from '#commons/alerts/alert-config';
import { type DeliverySettings, deliverDueAlerts } from '#commons/alerts/alert-deliverer';
import type { AlertChangeInput } from '#commons/alerts/alert-model';
import { applyPlan } from '#commons/alerts/alert-outbox';
import { type MemoryAlertOutbox, memoryAlertOutbox } from '#commons/alerts/memory-alert-outbox';
import { type ConnectionAlertState, planChange } from '#commons/alerts/noise-control';
import { capturingLogger, channelsFor, manualClock, NOISE_DEFAULTS, ROUTING_KEY } from './alert-fixtures.ts';
import { type ChannelReceiver, startChannelReceiver } from './receivers.ts';

export const SLACK_PATH = '/services/T0000/B0000/slacksecretXYZ';
export const TEAMS_PATH = '/workflows/flow1/triggers/manual/paths/invoke?sig=teamssecretXYZ';
export const PAGERDUTY_PATH = '/v2/enqueue';

/** Three local channel receivers, an in-memory outbox, a hand-moved clock and a capturing logger. */
export async function startDeliveryHarness(start = '2026-03-02T10:00:00.000Z') {
  const slack = await startChannelReceiver(SLACK_PATH);
  const teams = await startChannelReceiver(TEAMS_PATH);
  const pagerduty = await startChannelReceiver(PAGERDUTY_PATH);
  pagerduty.answer = () => ({ status: 202, body: '{"status":"success","message":"Event processed"}' });
  teams.answer = () => ({ status: 202 });
  const clock = manualClock(start);
  const outbox: MemoryAlertOutbox = memoryAlertOutbox();
  const logger = capturingLogger();
  let channels: AlertChannels = channelsFor({ slack: slack.url, teams: teams.url, pagerduty: pagerduty.url });
  const states = new Map<string, ConnectionAlertState>();

  return {
    slack,
    teams,
    pagerduty,
    clock,
    outbox,
    logger,
    get channels() {
      return channels;
    },
    set channels(value: AlertChannels) {
      channels = value;
    },
    /** What the store would do on a health change: plan it against the stored state, apply it to the outbox. */
    async change(input: AlertChangeInput, settings = NOISE_DEFAULTS) {
      const plan = planChange(states.get(input.connection_id) ?? null, input, settings);
      states.set(input.connection_id, plan.state);
      await applyPlan(outbox, plan, configuredChannels(channels), clock.now());
      return plan;
    },
    deliver(settings: Partial<DeliverySettings> = {}) {
      return deliverDueAlerts({
        outbox,
        channels,
        links: { dashboardUrl: 'https://metadata.example.test' },
        logger,
        now: clock.now,
        random: () => 0.5,
        settings: { timeoutMs: 2_000, ...settings },
      });
    },
    /** No log line holds a webhook URL, its secret path, or the routing key. */
    expectNoSecretsLogged() {
      const text = JSON.stringify(logger.lines);
      for (const secret of ['slacksecretXYZ', 'teamssecretXYZ', ROUTING_KEY, '127.0.0.1:']) {
        expect(text).not.toContain(secret);
      }
    },
    async close() {
      await Promise.all([slack.close(), teams.close(), pagerduty.close()]);
    },
  };
}

export type DeliveryHarness = Awaited<ReturnType<typeof startDeliveryHarness>>;
export type { ChannelReceiver };
