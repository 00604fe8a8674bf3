import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAlertConfig } from '#commons/alerts/alert-config';
import { loadLocalConfig } from '#commons/config/local-config';
import { signBody } from '#commons/webhook/signature';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';
import { ROUTING_KEY } from '../alerts/support/alert-fixtures.ts';
import { type ChannelReceiver, startChannelReceiver } from '../alerts/support/receivers.ts';
import { tempDataDir } from './server-fixture.ts';

/**
 * Issue 17 "Done when", end to end over real HTTP: signed webhooks into the local server (its store on
 * dynalite under a temp DATA_DIR), its own alert passes, and local Slack, Teams and PagerDuty receivers.
 * The server's clock is moved by hand, so the quiet window is exact; passes run on each kept change and
 * when the test nudges them after moving the clock.
 */
const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const CONNECTION = 'quiet_harbor';
const FIVETRAN_LINK =
  'https://fivetran.com/dashboard/connections/quiet_harbor/status?groupId=lunar_otter&service=postgres';

interface Rig {
  server: LocalServer;
  slack: ChannelReceiver;
  teams: ChannelReceiver;
  pagerduty: ChannelReceiver;
  lines: string[];
  clock: { ms: number };
  remove: () => void;
}

let rig: Rig | undefined;
afterEach(async () => {
  if (!rig) return;
  await rig.server.close();
  await Promise.all([rig.slack.close(), rig.teams.close(), rig.pagerduty.close()]);
  rig.remove();
  rig = undefined;
});

async function startRig(): Promise<Rig> {
  const data = tempDataDir();
  const slack = await startChannelReceiver('/services/T0/B0/slacksecretXYZ');
  const teams = await startChannelReceiver('/workflows/flow/invoke?sig=teamssecretXYZ');
  const pagerduty = await startChannelReceiver('/v2/enqueue');
  teams.answer = () => ({ status: 202 });
  pagerduty.answer = () => ({ status: 202, body: '{"status":"success","message":"Event processed"}' });
  const env = {
    SLACK_WEBHOOK_URL: slack.url,
    TEAMS_WEBHOOK_URL: teams.url,
    PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    PAGERDUTY_EVENTS_URL: pagerduty.url,
  };
  const clock = { ms: T0 };
  const lines: string[] = [];
  const server = await startLocalServer(
    loadLocalConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: data.dir }),
    {
      log: (line) => lines.push(line),
      now: () => clock.ms,
      // Only nudges run passes here: the 5 s timer would make the counts depend on timing.
      alerts: { config: parseAlertConfig(env), intervalMs: 3_600_000 },
    },
  );
  return { server, slack, teams, pagerduty, lines, clock, remove: data.remove };
}

function syncEnd(status: string, atMs: number, reason?: string): string {
  return JSON.stringify({
    event: 'sync_end',
    created: new Date(atMs).toISOString(),
    connector_type: 'postgres',
    connector_id: CONNECTION,
    connector_name: 'orders_db',
    sync_id: randomUUID(),
    destination_group_id: 'lunar_otter',
    data: reason ? { status, reason } : { status },
  });
}

async function deliver(r: Rig, body: string): Promise<void> {
  const response = await fetch(r.server.webhookUrl, {
    method: 'POST',
    body,
    headers: { 'X-Fivetran-Signature-256': signBody(body, r.server.webhookSecret.current) },
  });
  expect(response.status).toBe(200);
  await r.server.alerts?.idle();
}

/** Moves the server's clock and lets an alert pass run at the new time. */
async function advanceTo(r: Rig, ms: number): Promise<void> {
  r.clock.ms = ms;
  r.server.alerts?.nudge();
  await r.server.alerts?.idle();
}

const counts = (r: Rig) => [r.slack.received.length, r.teams.received.length, r.pagerduty.received.length];

async function healthyConnection(r: Rig): Promise<void> {
  await deliver(r, syncEnd('SUCCESSFUL', T0 - 60_000));
  expect(counts(r), 'a connection first seen healthy is no news').toEqual([0, 0, 0]);
}

describe('alerts from the local server, over HTTP, to local channel receivers', () => {
  it('a connection turning failing gives exactly one message per channel, naming it, its reason and its Fivetran link', async () => {
    // Prepare
    rig = await startRig();
    await healthyConnection(rig);

    // Act
    await deliver(rig, syncEnd('FAILURE', T0, 'Permission denied for table orders'));

    // Assess
    expect(counts(rig)).toEqual([1, 1, 1]);
    const payloads = [rig.slack, rig.teams, rig.pagerduty].map((r) =>
      JSON.stringify(r.received[0]?.json).replace(/\\\\/g, ''),
    );
    for (const payload of payloads) {
      expect(payload).toContain('orders_db');
      expect(payload).toContain('Permission denied for table orders');
    }
    expect(payloads[0]).toContain(FIVETRAN_LINK.replace('&', '&amp;'));
    expect(payloads[1]).toContain(FIVETRAN_LINK);
    expect(payloads[2]).toContain(FIVETRAN_LINK);
    expect(rig.pagerduty.received[0]?.json).toMatchObject({
      event_action: 'trigger',
      routing_key: ROUTING_KEY,
    });
    expect(JSON.stringify(rig.lines)).not.toMatch(/slacksecretXYZ|teamssecretXYZ|R0UT1NGKEY/);
  });

  it('a duplicate delivery of the failing event produces no message', async () => {
    // Prepare
    rig = await startRig();
    await healthyConnection(rig);
    const failure = syncEnd('FAILURE', T0, 'Permission denied for table orders');
    await deliver(rig, failure);

    // Act
    rig.clock.ms = T0 + 30_000;
    await deliver(rig, failure);
    await advanceTo(rig, T0 + 60_000);

    // Assess
    expect(counts(rig)).toEqual([1, 1, 1]);
  });

  it('six alternating changes within a minute give at most two messages per channel, one saying it is flapping', async () => {
    // Prepare
    rig = await startRig();
    await healthyConnection(rig);

    // Act
    for (let i = 0; i < 6; i += 1) {
      rig.clock.ms = T0 + i * 10_000;
      const failing = i % 2 === 0;
      await deliver(
        rig,
        syncEnd(failing ? 'FAILURE' : 'SUCCESSFUL', rig.clock.ms, failing ? 'Timeout' : undefined),
      );
    }
    await advanceTo(rig, T0 + 59_000);
    const inTheMinute = rig.slack.received.map((r) => String(r.json.text));
    const teamsInTheMinute = rig.teams.received.length;
    const pagerDutyInTheMinute = rig.pagerduty.received.length;
    await advanceTo(rig, T0 + 50_000 + 10 * 60_000);

    // Assess
    expect(inTheMinute).toHaveLength(2);
    expect(inTheMinute[0]).toContain('orders_db is failing');
    expect(inTheMinute[1]).toContain('orders_db is flapping');
    expect(teamsInTheMinute).toBe(2);
    expect(pagerDutyInTheMinute).toBeLessThanOrEqual(2);
    // Once quiet, the state it settled in (healthy: the sixth change was a success).
    expect(String(rig.slack.received[2]?.json.text)).toContain('orders_db settled: healthy');
  });

  it('PagerDuty gets a trigger, then a resolve with the same dedup key', async () => {
    // Prepare
    rig = await startRig();
    await healthyConnection(rig);
    await deliver(rig, syncEnd('FAILURE', T0, 'Permission denied for table orders'));

    // Act
    rig.clock.ms = T0 + 3_600_000;
    await deliver(rig, syncEnd('SUCCESSFUL', rig.clock.ms));

    // Assess
    const events = rig.pagerduty.received.map((r) => r.json);
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(events[0]?.dedup_key).toBe(`fivetran-metadata/connection/${CONNECTION}`);
    expect(events[1]?.dedup_key).toBe(events[0]?.dedup_key);
    expect(String(rig.slack.received[1]?.json.text)).toContain('orders_db is healthy again');
  });

  it('a channel answering 404 is reported once, the others still get their messages, and close stops the passes', async () => {
    // Prepare
    rig = await startRig();
    rig.teams.answer = () => ({ status: 404, body: '{"error":{"code":"WorkflowNotFound"}}' });
    await healthyConnection(rig);

    // Act
    await deliver(rig, syncEnd('FAILURE', T0, 'Timeout'));
    rig.clock.ms = T0 + 3_600_000;
    await deliver(rig, syncEnd('SUCCESSFUL', rig.clock.ms));
    await rig.server.close();
    const after = counts(rig);
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess
    expect(after).toEqual([2, 2, 2]);
    expect(counts(rig)).toEqual(after);
    const refusals = rig.lines.filter((line) => line.includes('teams is misconfigured'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain('TEAMS_WEBHOOK_URL points at nothing');
  });
});
