import { parseAlertConfig } from '#commons/alerts/alert-config';
import { type ChannelTestResult, sendTestAlerts } from '#commons/alerts/alerts-test';
import { ConfigError, type Env } from '#commons/config/env';
import { type CliIo, type Command, EXIT, parseCommandArgs } from '../cli-io.ts';
import { type CommandHelp, renderHelp, usageLine } from '../help.ts';

export const ALERTS_HELP: CommandHelp = {
  usage: ['fivetran-metadata alerts test [--secret-id <alert-secret-arn>] [--json]'],
  description:
    "Sends one test message to every configured alert channel (Slack, Microsoft Teams, PagerDuty) and reports each channel's answer. " +
    'PagerDuty gets a test event and, once accepted, its resolve. Channels come from SLACK_WEBHOOK_URL, TEAMS_WEBHOOK_URL and ' +
    'PAGERDUTY_ROUTING_KEY (environment or .env), or with --secret-id from the deployed alert secret (the stack output AlertSecretArn), ' +
    'whose values win. PAGERDUTY_EVENTS_URL and ALERT_DASHBOARD_URL are read from the environment either way.',
  options: [
    ['--secret-id <arn>', 'read the channels from this Secrets Manager secret (your AWS credentials)'],
    ['--json', 'one JSON object instead of lines'],
  ],
  exitCodes: [
    [0, 'every channel accepted'],
    [1, 'usage or setup: a wrong flag, an unreadable configuration or secret, or no channel configured'],
    [2, 'a channel refused (its URL or key is wrong)'],
    [4, 'a channel did not answer or failed (5xx, 429)'],
  ],
};

const USAGE = usageLine(ALERTS_HELP);
const HELP = renderHelp(ALERTS_HELP);

/** Worst first: a refusal needs the operator to fix something; an outage may pass by itself. */
function exitCode(results: readonly ChannelTestResult[]): number {
  if (
    results.some((r) => !r.ok && r.status !== null && r.status < 500 && r.status !== 429 && r.status !== 408)
  )
    return EXIT.credentialRejected;
  if (results.some((r) => !r.ok)) return EXIT.unreachable;
  return EXIT.ok;
}

async function channelEnv(env: Env, secretId: string | undefined): Promise<Env> {
  if (!secretId) return env;
  // Loaded only when asked for: the AWS SDK is most of the CLI's start-up time.
  const { readAlertSecret } = await import('#commons/alerts/alert-secret');
  const fromSecret = await readAlertSecret(secretId);
  return {
    ...env,
    SLACK_WEBHOOK_URL: undefined,
    TEAMS_WEBHOOK_URL: undefined,
    PAGERDUTY_ROUTING_KEY: undefined,
    ...fromSecret,
  };
}

export async function alertsTest(args: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  try {
    const [sub, ...rest] = args;
    // `alerts --help`, and any flags before `--help` (the one action is `test`).
    if (sub === 'help' || (sub !== 'test' && args.some((a) => a === '--help' || a === '-h'))) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    if (sub !== 'test') {
      throw new ConfigError(
        sub === undefined ? `usage: ${USAGE}` : `unknown alerts command "${sub}"; usage: ${USAGE}`,
      );
    }
    const values = parseCommandArgs(rest, { 'secret-id': { type: 'string' }, json: { type: 'boolean' } });
    json = values.json ?? false;
    if (values.help) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const config = parseAlertConfig(await channelEnv(io.env, values['secret-id']));
    const results = await sendTestAlerts({
      channels: config.channels,
      links: { dashboardUrl: config.dashboardUrl },
    });
    if (results.length === 0) {
      throw new ConfigError(
        values['secret-id']
          ? `no alert channel is filled in the secret ${values['secret-id']}`
          : 'no alert channel configured: set SLACK_WEBHOOK_URL, TEAMS_WEBHOOK_URL or PAGERDUTY_ROUTING_KEY (environment or .env), or pass --secret-id',
      );
    }
    const code = exitCode(results);
    if (json) {
      io.stdout(`${JSON.stringify({ ok: code === EXIT.ok, exit_code: code, channels: results })}\n`);
    } else {
      const width = Math.max(...results.map((r) => r.channel.length));
      for (const r of results) {
        const line = `${r.channel.padEnd(width)}  ${r.ok ? 'ok    ' : 'FAILED'}  ${String(r.status ?? '-').padEnd(3)}  ${r.message}\n`;
        (r.ok ? io.stdout : io.stderr)(line);
      }
    }
    return code;
  } catch (error) {
    const usageMistake = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof ConfigError) && !usageMistake) throw error;
    const message = usageMistake ? `${(error as Error).message}; usage: ${USAGE}` : (error as Error).message;
    if (json) io.stdout(`${JSON.stringify({ ok: false, exit_code: EXIT.usage, message })}\n`);
    else io.stderr(`alerts: ${message}\n`);
    return EXIT.usage;
  }
}

export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'alerts test: send a test message to every configured Slack, Teams and PagerDuty channel',
  help: ALERTS_HELP,
  run: alertsTest,
};
