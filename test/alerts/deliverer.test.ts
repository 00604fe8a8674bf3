import { afterEach, describe, expect, it } from 'vitest';
import { channelsFor, failingChange, ROUTING_KEY } from './support/alert-fixtures.ts';
import { type DeliveryHarness, startDeliveryHarness } from './support/delivery-harness.ts';
import { startChannelReceiver } from './support/receivers.ts';

let harness: DeliveryHarness | undefined;
afterEach(async () => {
  harness?.expectNoSecretsLogged();
  await harness?.close();
  harness = undefined;
});

describe('deliverer: a failing connection reaches every channel once', () => {
  it('posts each channel its own payload shape, then has nothing left to send', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    const { slack, teams, pagerduty } = harness;
    await harness.change(failingChange());

    // Act
    const report = await harness.deliver();
    const again = await harness.deliver();

    // Assess
    expect(report).toMatchObject({ claimed: 3, delivered: 3, retried: 0, dropped: 0, refused: 0 });
    expect(again.claimed).toBe(0);
    expect(slack.received).toHaveLength(1);
    expect(slack.received[0]?.headers['content-type']).toBe('application/json');
    expect(slack.received[0]?.json).toMatchObject({ text: expect.stringContaining('orders_db is failing') });
    expect(slack.received[0]?.json.blocks).toHaveLength(4);
    expect(teams.received[0]?.json).toMatchObject({
      type: 'message',
      attachments: [
        { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard' } },
      ],
    });
    expect(pagerduty.received[0]?.json).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'fivetran-metadata/connection/quiet_harbor',
      payload: { severity: 'error', source: 'fivetran:orders_db' },
    });
    expect(harness.outbox.items().every((item) => item.status === 'delivered')).toBe(true);
  });
});

describe('deliverer: transient failures are retried', () => {
  it('waits out a 429 for its Retry-After seconds, holding the channel meanwhile', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    const { slack, clock } = harness;
    slack.answer = (index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '30' }, body: 'rate_limited' }
        : { status: 200, body: 'ok' };
    await harness.change(failingChange());
    await harness.change(failingChange({ connection_id: 'other_conn', schema: 'billing' }));

    // Act
    const first = await harness.deliver();
    const retried = harness.outbox.items().find((item) => item.channel === 'slack' && item.attempts === 1);
    clock.advance(29_000);
    const tooEarly = await harness.deliver();
    clock.advance(1_000);
    const after = await harness.deliver();

    // Assess
    expect(first.byChannel.slack).toMatchObject({ retried: 1, delivered: 0 });
    expect(slack.received).toHaveLength(3);
    expect(tooEarly.byChannel.slack.delivered).toBe(0);
    expect(after.byChannel.slack.delivered).toBe(2);
    expect(retried).toMatchObject({ last_error: '429 rate_limited', due_at: '2026-03-02T10:00:30.000Z' });
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    const { teams, clock } = harness;
    const retryAt = new Date(clock.now().getTime() + 120_000);
    teams.answer = (index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': retryAt.toUTCString() } } : { status: 202 };
    await harness.change(failingChange());

    // Act
    await harness.deliver();
    const item = harness.outbox.items().find((i) => i.channel === 'teams');
    clock.set(retryAt.toISOString());
    const report = await harness.deliver();

    // Assess
    expect(item?.due_at).toBe(retryAt.toISOString());
    expect(report.byChannel.teams.delivered).toBe(1);
  });

  it('backs off on 500 and drops the message after the last attempt, counted and logged', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    const { pagerduty, clock, logger } = harness;
    pagerduty.answer = () => ({ status: 500, body: '{"status":"error","message":"Internal"}' });
    harness.channels = channelsFor({ pagerduty: pagerduty.url });
    await harness.change(failingChange());

    // Act
    const delays: number[] = [];
    const reports = [];
    for (let pass = 0; pass < 3; pass += 1) {
      reports.push(await harness.deliver({ maxAttempts: 3 }));
      const item = harness.outbox.items()[0];
      delays.push(Date.parse(item?.due_at ?? '') - clock.now().getTime());
      clock.set(item?.due_at ?? '');
    }

    // Assess
    expect(pagerduty.received).toHaveLength(3);
    expect(reports.map((r) => [r.retried, r.dropped])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    expect(delays[1]).toBeGreaterThan(delays[0] ?? 0);
    expect(harness.outbox.items()[0]).toMatchObject({
      status: 'dead',
      attempts: 3,
      last_error: '500 error: Internal',
    });
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      'alert dropped after 3 attempts',
    ]);
  });

  it('retries when nobody answers (refused connection, timeout), naming only the failure', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    const { teams } = harness;
    teams.answer = () => ({ status: 202, hang: true });
    const closed = await startChannelReceiver('/hooks/slacksecretXYZ');
    await closed.close();
    harness.channels = channelsFor({ slack: closed.url, teams: teams.url });
    await harness.change(failingChange());

    // Act
    const report = await harness.deliver({ timeoutMs: 300 });

    // Assess
    expect(report.retried).toBe(2);
    const errors = harness.outbox.items().map((item) => [item.channel, item.last_error]);
    expect(errors).toEqual(
      expect.arrayContaining([
        ['slack', 'ECONNREFUSED'],
        ['teams', 'timeout'],
      ]),
    );
  });

  it('reads a flood of an answer only up to its bound', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    const { slack } = harness;
    slack.answer = () => ({ status: 503, body: 'x'.repeat(2_000_000) });
    harness.channels = channelsFor({ slack: slack.url });
    await harness.change(failingChange());

    // Act
    const report = await harness.deliver();

    // Assess
    expect(report.retried).toBe(1);
    expect(harness.outbox.items()[0]?.last_error?.length).toBeLessThanOrEqual(200);
  });
});

describe('deliverer: a misconfigured channel', () => {
  it('reports a 404 once, clearly, sends no retries, and says so when the channel works again', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    const { slack, logger } = harness;
    slack.answer = () => ({ status: 404, body: 'no_service' });
    harness.channels = channelsFor({ slack: slack.url });
    await harness.change(failingChange());
    await harness.change(failingChange({ connection_id: 'other_conn' }));

    // Act
    const report = await harness.deliver();
    harness.clock.advance(3_600_000);
    const later = await harness.deliver();
    slack.answer = () => ({ status: 200, body: 'ok' });
    await harness.change(failingChange({ connection_id: 'third_conn' }));
    const fixed = await harness.deliver();

    // Assess
    expect(report).toMatchObject({ refused: 2, retried: 0 });
    expect(later.claimed).toBe(0);
    expect(fixed.delivered).toBe(1);
    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe(
      'alert channel slack is misconfigured: SLACK_WEBHOOK_URL points at nothing (deleted or archived); set a new one',
    );
    expect(errors[0]?.fields).toMatchObject({ status: 404, message: '404 no_service' });
    expect(logger.lines.some((l) => l.message === 'alert channel delivers again')).toBe(true);
  });

  it('drops messages for a channel that is no longer configured, saying so once', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    await harness.change(failingChange());
    await harness.change(failingChange({ connection_id: 'other_conn' }));
    harness.channels = channelsFor({ slack: harness.slack.url, pagerduty: harness.pagerduty.url });

    // Act
    const report = await harness.deliver();

    // Assess
    expect(report).toMatchObject({ delivered: 4, unconfigured: 2 });
    expect(harness.teams.received).toHaveLength(0);
    expect(harness.logger.lines.filter((l) => l.message.includes('no longer configured'))).toHaveLength(1);
  });
});

describe('deliverer: order within a connection', () => {
  it('never lets a resolve overtake the trigger it closes', async () => {
    // Prepare
    harness = await startDeliveryHarness();
    const { pagerduty, clock } = harness;
    pagerduty.answer = (index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': '3000' } } : { status: 202 };
    harness.channels = channelsFor({ pagerduty: pagerduty.url });
    await harness.change(failingChange());
    await harness.deliver();
    clock.advance(700_000);
    await harness.change(
      failingChange({
        previous: 'failing',
        health: 'healthy',
        health_reason: null,
        changed_at: clock.now().toISOString(),
      }),
    );

    // Act
    const blocked = await harness.deliver();
    clock.advance(2_300_000);
    const both = await harness.deliver();

    // Assess
    expect(blocked.claimed).toBe(0);
    expect(both.delivered).toBe(2);
    expect(pagerduty.received.map((r) => r.json.event_action)).toEqual(['trigger', 'trigger', 'resolve']);
    expect(new Set(pagerduty.received.map((r) => r.json.dedup_key))).toEqual(
      new Set(['fivetran-metadata/connection/quiet_harbor']),
    );
  });
});
