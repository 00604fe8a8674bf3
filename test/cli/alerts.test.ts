import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../functions/cli/main.ts';
import { ROUTING_KEY } from '../alerts/support/alert-fixtures.ts';
import { type ChannelReceiver, startChannelReceiver } from '../alerts/support/receivers.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:alerts-AbCdEf';
const secrets = mockClient(SecretsManagerClient);

let slack: ChannelReceiver;
let teams: ChannelReceiver;
let pagerduty: ChannelReceiver;
beforeAll(async () => {
  [slack, teams, pagerduty] = await Promise.all([
    startChannelReceiver('/services/T0/B0/slacksecretXYZ'),
    startChannelReceiver('/workflows/flow/invoke?sig=teamssecretXYZ'),
    startChannelReceiver('/v2/enqueue'),
  ]);
});
afterAll(async () => {
  secrets.restore();
  await Promise.all([slack.close(), teams.close(), pagerduty.close()]);
});
afterEach(() => {
  for (const receiver of [slack, teams, pagerduty]) {
    receiver.received.length = 0;
    receiver.answer = () => ({ status: 200, body: 'ok' });
  }
  secrets.reset();
});

async function run(args: string[], env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    env,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
  });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const allThree = () => ({
  SLACK_WEBHOOK_URL: slack.url,
  TEAMS_WEBHOOK_URL: teams.url,
  PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
  PAGERDUTY_EVENTS_URL: pagerduty.url,
});

describe('fivetran-metadata alerts test', () => {
  it('sends one test message to every configured channel and reports each answer (exit 0)', async () => {
    // Prepare
    teams.answer = () => ({ status: 202 });
    pagerduty.answer = () => ({ status: 202, body: '{"status":"success","message":"Event processed"}' });

    // Act
    const result = await run(['alerts', 'test'], allThree());

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^slack +ok +200 +test message posted$/m);
    expect(result.stdout).toMatch(/^teams +ok +202 +test message posted$/m);
    expect(result.stdout).toMatch(/^pagerduty +ok +202 +test event accepted and resolved$/m);
    expect([slack.received.length, teams.received.length]).toEqual([1, 1]);
    expect(pagerduty.received.map((r) => r.json.event_action)).toEqual(['trigger', 'resolve']);
    expect(String(slack.received[0]?.json.text)).toContain('Test alert from fivetran-metadata');
    expect(result.stdout + result.stderr).not.toMatch(/slacksecretXYZ|teamssecretXYZ|R0UT1NGKEY/);
  });

  it('exits 2 when a channel refuses its URL, naming what to fix; 4 when one only failed for now', async () => {
    // Prepare
    slack.answer = () => ({ status: 404, body: 'no_service' });

    // Act
    const refused = await run(['alerts', 'test'], {
      SLACK_WEBHOOK_URL: slack.url,
      TEAMS_WEBHOOK_URL: teams.url,
    });
    slack.answer = () => ({ status: 503, body: '' });
    const failing = await run(['alerts', 'test'], { SLACK_WEBHOOK_URL: slack.url });
    slack.answer = () => ({ status: 429, headers: { 'retry-after': '30' } });
    const limited = await run(['alerts', 'test'], { SLACK_WEBHOOK_URL: slack.url });

    // Assess
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^slack +FAILED +404 +refused \(404 no_service\): SLACK_WEBHOOK_URL points at nothing/m,
    );
    expect(refused.stdout).toMatch(/^teams +ok/m);
    expect(failing.code).toBe(4);
    expect(failing.stderr).toContain('temporarily failing (503); try again later');
    expect(limited.code).toBe(4);
  });

  it('reads the channels from the deployed secret with --secret-id, over the environment', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ SLACK_WEBHOOK_URL: slack.url, TEAMS_WEBHOOK_URL: '' }) });

    // Act
    const result = await run(['alerts', 'test', '--secret-id', SECRET_ARN, '--json'], {
      TEAMS_WEBHOOK_URL: teams.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });

    // Assess: only the secret's channels (its empty Teams entry means none, whatever the environment says).
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      exit_code: 0,
      channels: [{ channel: 'slack', status: 200, ok: true, message: 'test message posted' }],
    });
    expect(teams.received).toEqual([]);
  });

  it('exits 1 with one line when nothing is configured, a setting is bad, or the secret is unreadable', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand)
      .resolves({ SecretString: 'https://hooks.slack.com/services/secretvalue' });

    // Act
    const none = await run(['alerts', 'test']);
    const bad = await run(['alerts', 'test'], { SLACK_WEBHOOK_URL: 'http://hooks.example.com/secretvalue' });
    const unreadable = await run(['alerts', 'test', '--secret-id', SECRET_ARN], {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    const unknown = await run(['alerts', 'send']);

    // Assess
    expect([none.code, bad.code, unreadable.code, unknown.code]).toEqual([1, 1, 1, 1]);
    expect(none.stderr).toBe(
      'alerts: no alert channel configured: set SLACK_WEBHOOK_URL, TEAMS_WEBHOOK_URL or PAGERDUTY_ROUTING_KEY (environment or .env), or pass --secret-id\n',
    );
    expect(bad.stderr).toContain('SLACK_WEBHOOK_URL must be an https URL');
    expect(unreadable.stderr).toContain(`secret ${SECRET_ARN}: the alert secret is not JSON`);
    expect(unknown.stderr).toContain('unknown alerts command "send"');
    for (const result of [bad, unreadable]) expect(result.stderr).not.toContain('secretvalue');
  });

  it('explains itself with --help, and is listed in the command list', async () => {
    // Act
    const help = await run(['alerts', 'test', '--help']);
    const list = await run(['--help']);

    // Assess
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      'usage: fivetran-metadata alerts test [--secret-id <alert-secret-arn>] [--json]',
    );
    expect(help.stdout).toMatch(/\nexit codes:\n {2}0 +every channel accepted\n {2}1 +usage or setup/);
    expect(list.stdout).toMatch(/alerts +alerts test: send a test message/);
  });
});
