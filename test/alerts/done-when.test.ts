import { afterEach, describe, expect, it } from 'vitest';
import { at, failingChange } from './support/alert-fixtures.ts';
import { type DeliveryHarness, startDeliveryHarness } from './support/delivery-harness.ts';

/** Issue 17 "Done when", end to end: noise control → outbox → deliverer → local Slack, Teams, PagerDuty. */
let harness: DeliveryHarness | undefined;
afterEach(async () => {
  harness?.expectNoSecretsLogged();
  await harness?.close();
  harness = undefined;
});

const T0 = '2026-03-02T10:00:00.000Z';
const FIVETRAN_LINK =
  'https://fivetran.com/dashboard/connections/quiet_harbor/status?groupId=lunar_otter&service=postgres';

describe('issue 17: done when', () => {
  it('a connection turning failing gives exactly one message per channel naming it, its reason and its Fivetran link', async () => {
    // Prepare
    harness = await startDeliveryHarness(T0);
    await harness.change(failingChange());

    // Act
    await harness.deliver();

    // Assess
    const { slack, teams, pagerduty } = harness;
    expect([slack.received.length, teams.received.length, pagerduty.received.length]).toEqual([1, 1, 1]);
    // Teams text is Markdown-escaped (`orders\_db`); what a reader sees has no backslashes.
    const seen = [slack, teams, pagerduty].map((r) =>
      JSON.stringify(r.received[0]?.json).replace(/\\\\/g, ''),
    );
    for (const payload of seen) {
      expect(payload).toContain('orders_db');
      expect(payload).toContain('Permission denied for table orders');
    }
    expect(JSON.stringify(slack.received[0]?.json)).toContain(FIVETRAN_LINK.replace('&', '&amp;'));
    expect(JSON.stringify(teams.received[0]?.json)).toContain(FIVETRAN_LINK);
    expect(JSON.stringify(pagerduty.received[0]?.json)).toContain(FIVETRAN_LINK);
  });

  it('a duplicate delivery of the same change produces no message', async () => {
    // Prepare
    harness = await startDeliveryHarness(T0);
    await harness.change(failingChange());
    await harness.deliver();

    // Act
    const plan = await harness.change(failingChange());
    const report = await harness.deliver();

    // Assess
    expect(plan.outcome).toBe('duplicate');
    expect(report.claimed).toBe(0);
    expect(harness.slack.received).toHaveLength(1);
  });

  it('six alternating changes within a minute produce at most two messages, one of them saying it is flapping', async () => {
    // Prepare
    harness = await startDeliveryHarness(T0);
    const { clock } = harness;

    // Act
    for (let i = 0; i < 6; i += 1) {
      clock.set(at(T0, i * 10));
      const [from, to] = i % 2 === 0 ? (['healthy', 'failing'] as const) : (['failing', 'healthy'] as const);
      await harness.change(
        failingChange({ previous: from, health: to, changed_at: clock.now().toISOString() }),
      );
      await harness.deliver();
    }
    clock.set(at(T0, 59));
    await harness.deliver();
    const inTheMinute = harness.slack.received.map((r) => r.json.text as string);
    clock.set(at(T0, 50 + 600));
    await harness.deliver();

    // Assess
    expect(inTheMinute).toHaveLength(2);
    expect(inTheMinute[0]).toContain('orders_db is failing');
    expect(inTheMinute[1]).toContain('orders_db is flapping');
    expect(harness.teams.received).toHaveLength(3);
    expect(harness.slack.received[2]?.json.text).toContain('orders_db settled: healthy');
  });

  it('PagerDuty gets a trigger, then a resolve with the same dedup key', async () => {
    // Prepare
    harness = await startDeliveryHarness(T0);
    await harness.change(failingChange());
    await harness.deliver();
    harness.clock.set(at(T0, 3_600));

    // Act
    await harness.change(
      failingChange({
        previous: 'failing',
        health: 'healthy',
        health_reason: null,
        changed_at: at(T0, 3_600),
      }),
    );
    await harness.deliver();

    // Assess
    const events = harness.pagerduty.received.map((r) => r.json);
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(events[0]?.dedup_key).toBe('fivetran-metadata/connection/quiet_harbor');
    expect(events[1]?.dedup_key).toBe(events[0]?.dedup_key);
    expect(harness.slack.received[1]?.json.text).toContain('orders_db is healthy again');
  });
});
