import { afterEach, describe, expect, it } from 'vitest';
import { sendTestAlerts } from '#commons/alerts/alerts-test';
import { channelsFor, ROUTING_KEY } from './support/alert-fixtures.ts';
import { type ChannelReceiver, startChannelReceiver } from './support/receivers.ts';

let receivers: ChannelReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function receiversFor() {
  const slack = await startChannelReceiver('/services/T0/B0/slacksecret');
  const teams = await startChannelReceiver('/workflows/f/paths/invoke?sig=teamssecret');
  const pagerduty = await startChannelReceiver('/v2/enqueue');
  receivers = [slack, teams, pagerduty];
  return { slack, teams, pagerduty };
}

const links = { dashboardUrl: null };
const now = () => new Date('2026-03-02T10:00:00.000Z');

describe('alerts test', () => {
  it('posts a test message to every configured channel and reports each answer', async () => {
    // Prepare
    const { slack, teams, pagerduty } = await receiversFor();
    teams.answer = () => ({ status: 202 });
    pagerduty.answer = () => ({ status: 202, body: '{"status":"success"}' });
    const channels = channelsFor({ slack: slack.url, teams: teams.url, pagerduty: pagerduty.url });

    // Act
    const results = await sendTestAlerts({ channels, links, now });

    // Assess
    expect(results).toEqual([
      { channel: 'slack', status: 200, ok: true, message: 'test message posted' },
      { channel: 'teams', status: 202, ok: true, message: 'test message posted' },
      { channel: 'pagerduty', status: 202, ok: true, message: 'test event accepted and resolved' },
    ]);
    expect(slack.received[0]?.json.text).toContain('Test alert from fivetran-metadata');
    expect(teams.received[0]?.json).toMatchObject({ type: 'message' });
    expect(
      pagerduty.received.map((r) => [r.json.event_action, r.json.dedup_key, r.json.routing_key]),
    ).toEqual([
      ['trigger', 'fivetran-metadata/test/2026-03-02T10:00:00.000Z', ROUTING_KEY],
      ['resolve', 'fivetran-metadata/test/2026-03-02T10:00:00.000Z', ROUTING_KEY],
    ]);
    expect(pagerduty.received[0]?.json).toMatchObject({ payload: { severity: 'info' } });
  });

  it('says which channel refused and why, without its URL, and which did not answer', async () => {
    // Prepare
    const { slack, teams } = await receiversFor();
    slack.answer = () => ({ status: 404, body: 'no_service' });
    teams.answer = () => ({ status: 503 });
    const channels = channelsFor({ slack: slack.url, teams: teams.url });

    // Act
    const results = await sendTestAlerts({ channels, links, now });

    // Assess
    expect(results).toEqual([
      {
        channel: 'slack',
        status: 404,
        ok: false,
        message:
          'refused (404 no_service): SLACK_WEBHOOK_URL points at nothing (deleted or archived); set a new one',
      },
      { channel: 'teams', status: 503, ok: false, message: 'temporarily failing (503); try again later' },
    ]);
    expect(JSON.stringify(results)).not.toContain('secret');
  });

  it('answers an empty list when no channel is configured', async () => {
    // Act + Assess
    expect(await sendTestAlerts({ channels: channelsFor({}), links, now })).toEqual([]);
  });
});
