import { ConfigError } from '#commons/config/env';
import { type ConnectionCheck, checkConnection } from '#commons/fivetran/connection-check';
import { type CliIo, type Command, EXIT, parseCredentialArgs } from '../cli-io.ts';
import { fivetranAccess, reportFailure } from '../fivetran-access.ts';
import { type CommandHelp, EXIT_MEANING, renderHelp, usageLine } from '../help.ts';

export const TEST_CONNECTION_HELP: CommandHelp = {
  usage: ['fivetran-metadata test-connection [--secret-id <secret-arn>] [--json]'],
  description:
    'Checks the Fivetran API key: that it authenticates, the account it belongs to, whether it is a user (scoped) or a ' +
    'system key, and how many groups and connections it can see. The key comes from FIVETRAN_API_KEY and ' +
    'FIVETRAN_API_SECRET (environment or .env), or with --secret-id from Secrets Manager with your AWS login. ' +
    'FIVETRAN_API_URL points it at another endpoint (the simulator).',
  options: [
    [
      '--secret-id <secret-arn>',
      'read the key from this secret, JSON {"apiKey","apiSecret"} (the stack\'s ApiCredentialSecretArn; an ARN names its region, a bare name needs AWS_REGION)',
    ],
    ['--json', 'one JSON object on stdout, failures included'],
  ],
  exitCodes: [
    [0, 'the key works'],
    EXIT_MEANING.usage,
    EXIT_MEANING.credentialRejected,
    EXIT_MEANING.permissionMissing,
    [4, 'could not reach Fivetran (or AWS, for --secret-id), or an unexpected answer'],
  ],
};

/**
 * Checks the Fivetran credential: the key authenticates, which account it belongs to, what kind of key it
 * is, and how many groups and connections it can see. Exit 0 ok, 1 usage/config, 2 credential rejected,
 * 3 permission missing, 4 API unreachable.
 */
export async function testConnection(args: readonly string[], io: CliIo): Promise<number> {
  let json = false;
  let apiUrl: string | null = null;
  try {
    const values = parseCredentialArgs(args);
    json = values.json ?? false;
    if (values.help) {
      io.stdout(renderHelp(TEST_CONNECTION_HELP));
      return EXIT.ok;
    }
    const access = await fivetranAccess(io.env, values['secret-id'], io.sleep);
    apiUrl = access.apiUrl;
    const check = await checkConnection(access.client);
    if (json) io.stdout(`${JSON.stringify(toJson(check, access.apiUrl))}\n`);
    else printCheck(check, access.apiUrl, io);
    return EXIT.ok;
  } catch (error) {
    // parseArgs reports usage mistakes as TypeErrors with an ERR_PARSE_ARGS_* code.
    const usageMistake = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const failure = reportFailure(
      usageMistake
        ? new ConfigError(`${(error as Error).message}; usage: ${usageLine(TEST_CONNECTION_HELP)}`)
        : error,
      apiUrl,
    );
    if (json) {
      io.stdout(
        `${JSON.stringify({ ok: false, exit_code: failure.exitCode, error: failure.kind, message: failure.message })}\n`,
      );
    } else {
      io.stderr(`test-connection: ${failure.message}\n`);
    }
    return failure.exitCode;
  }
}

function keyDescription(check: ConnectionCheck): string {
  if (check.keyKind === 'user') return 'user (scoped) key';
  if (check.keyKind === 'system') return 'system key';
  return 'unknown key kind';
}

function printCheck(check: ConnectionCheck, apiUrl: string, io: CliIo): void {
  io.stdout(
    [
      `Connected to Fivetran at ${apiUrl}`,
      `  account:     ${check.accountName} (${check.accountId})`,
      `  key:         ${keyDescription(check)}`,
      `  groups:      ${check.groups}`,
      `  connections: ${check.connections}`,
      '',
    ].join('\n'),
  );
  for (const warning of check.warnings) io.stderr(`warning: ${warning}\n`);
}

function toJson(check: ConnectionCheck, apiUrl: string) {
  return {
    ok: true,
    api_url: apiUrl,
    account: { id: check.accountId, name: check.accountName },
    key_kind: check.keyKind,
    groups: check.groups,
    connections: check.connections,
    warnings: check.warnings,
  };
}

export const testConnectionCommand: Command = {
  name: 'test-connection',
  summary: 'check the Fivetran API key: account, key kind, visible groups and connections',
  help: TEST_CONNECTION_HELP,
  run: testConnection,
};
