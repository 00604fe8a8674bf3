import { afterEach, describe, expect, it } from 'vitest';
import { deliverDueAlerts } from '#commons/alerts/alert-deliverer';
import { channelsFor, failingChange } from './support/alert-fixtures.ts';
import { type DeliveryHarness, startDeliveryHarness } from './support/delivery-harness.ts';

let harness: DeliveryHarness | undefined;
afterEach(async () => {
  harness?.expectNoSecretsLogged();
  await harness?.close();
  harness = undefined;
});

describe('deliverer: answers that are not what they seem', () => {
  it('does not follow a redirect (it could carry the routing key elsewhere) and reports it as misconfiguration', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    const { pagerduty, slack } = harness;
    pagerduty.answer = () => ({ status: 307, headers: { location: slack.url } });
    harness.channels = channelsFor({ pagerduty: pagerduty.url });
    await harness.change(failingChange());

    // Act
    const report = await harness.deliver();

    // Assess
    expect(report.refused).toBe(1);
    expect(slack.received).toHaveLength(0);
    expect(harness.logger.lines[0]?.message).toBe(
      'alert channel pagerduty is misconfigured: PAGERDUTY_ROUTING_KEY answers with a redirect; use the final URL',
    );
  });

  it('treats a Teams 200 that carries "returned HTTP error 429" (a retired connector URL) as throttling', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    const { teams } = harness;
    teams.answer = () => ({
      status: 200,
      body: 'Microsoft Teams endpoint returned HTTP error 429 with ContextId x',
    });
    harness.channels = channelsFor({ teams: teams.url });
    await harness.change(failingChange());

    // Act
    const report = await harness.deliver();

    // Assess
    expect(report).toMatchObject({ delivered: 0, retried: 1 });
    expect(harness.outbox.items()[0]?.last_error).toMatch(/^429 /);
  });

  it('hands claimed items back when the caller runs out of time, without an attempt', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    harness.channels = channelsFor({ slack: harness.slack.url });
    await harness.change(failingChange());
    await harness.change(failingChange({ connection_id: 'other_conn' }));
    const budgets = [20_000, 10_000, 2_000];

    // Act
    const report = await deliverDueAlerts({
      outbox: harness.outbox,
      channels: harness.channels,
      links: { dashboardUrl: null },
      logger: harness.logger,
      now: harness.clock.now,
      settings: { timeoutMs: 2_000 },
      remainingMs: () => budgets.shift() ?? 0,
    });

    // Assess
    expect(report.delivered).toBe(1);
    expect(harness.slack.received).toHaveLength(1);
    const waiting = harness.outbox.items().filter((item) => item.status === 'pending');
    expect(waiting).toEqual([expect.objectContaining({ attempts: 0, lease_until: null })]);
  });
});
