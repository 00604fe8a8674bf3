import { parseArgs } from 'node:util';
import { ConfigError, type Env } from '#commons/config/env';
import { loadLocalConfig } from '#commons/config/local-config';
import type { WebhookAdmin } from '#commons/webhook-secret/webhook-registration';
import { ApiAnswerError } from '../api-access.ts';
import { type CliIo, type Command, EXIT } from '../cli-io.ts';
import { fivetranAccess, reportFailure } from '../fivetran-access.ts';
import { type CommandHelp, EXIT_MEANING, renderHelp, usageLine } from '../help.ts';
import { EXIT_WEBHOOK_DISABLED, rotateSecret, webhookStatus } from './webhook-manage.ts';
import type { ProbeContext } from './webhook-probe.ts';
import { ProbeFailedError } from './webhook-probe.ts';
import { register } from './webhook-register.ts';
import { resolveWebhookTarget, type WebhookAction } from './webhook-target.ts';

export { EXIT_WEBHOOK_DISABLED };

const OPTIONS = {
  url: { type: 'string' },
  group: { type: 'string' },
  stack: { type: 'string' },
  'secret-id': { type: 'string' },
  'webhook-secret-id': { type: 'string' },
  'webhook-id': { type: 'string' },
  table: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  reactivate: { type: 'boolean' },
  finish: { type: 'boolean' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DEPLOYED = '[--stack <name> [--region <r>] | --webhook-secret-id <arn> --table <name> [--region <r>]]';
const FLAG = {
  stack: [
    '--stack <name>',
    'a deployed stack: the webhook URL, table, region, signing secret and API credential come from its outputs (CloudFormation DescribeStacks, your AWS login)',
  ],
  region: ['--region <region>', 'where the stack (or the table) is; default AWS_REGION or your AWS profile'],
  secretId: [
    '--secret-id <arn>',
    'the Fivetran API key from this Secrets Manager secret {"apiKey","apiSecret"}; default FIVETRAN_API_KEY/FIVETRAN_API_SECRET',
  ],
  webhookSecretId: [
    '--webhook-secret-id <arn>',
    "the deployed signing secret (the stack's WebhookSecretArn); without it, the local server's file under DATA_DIR",
  ],
  table: [
    '--table <name>',
    "the deployed table (the stack's TableName); needs --webhook-secret-id to register or rotate",
  ],
  endpoint: ['--endpoint <url>', 'another DynamoDB endpoint (tests, DynamoDB Local)'],
  webhookId: ['--webhook-id <id>', 'our webhook, when no store knows it (default: the id register saved)'],
  json: ['--json', 'one JSON object on stdout'],
} as const satisfies Record<string, readonly [string, string]>;
const FIVETRAN_EXITS = [
  EXIT_MEANING.ok,
  EXIT_MEANING.usage,
  EXIT_MEANING.credentialRejected,
  EXIT_MEANING.permissionMissing,
  EXIT_MEANING.unreachable,
] as const;

export const WEBHOOK_HELP: Record<WebhookAction, CommandHelp> = {
  register: {
    usage: [
      `fivetran-metadata webhook register [--url <https-url>] [--group <id>] ${DEPLOYED} [--secret-id <arn>]`,
    ],
    description:
      'Creates our webhook at Fivetran with a fresh signing secret, stored first where the receiver reads it, and saves its id ' +
      'where the sweep checks it stays active. Deployed, pass --stack (or --webhook-secret-id with --table): both are checked ' +
      'before anything is stored or created, and --table without --webhook-secret-id is refused. Locally (no --stack or ' +
      '--table) the secret goes to DATA_DIR and this command answers Fivetran’s test request on HOST:PORT; stop the local ' +
      'server first. Fivetran POSTs a test event to the URL before it creates the webhook: when that fails, the message ' +
      'says what to check on our side.',
    options: [
      [
        '--url <https-url>',
        "the URL Fivetran calls (deployed: the stack's WebhookUrl, which --stack supplies)",
      ],
      ['--group <id>', 'a group webhook for this group (default: an account webhook)'],
      FLAG.stack,
      FLAG.region,
      FLAG.webhookSecretId,
      FLAG.table,
      FLAG.secretId,
      FLAG.endpoint,
    ],
    exitCodes: [
      EXIT_MEANING.ok,
      [
        1,
        `${EXIT_MEANING.usage[1]}; or Fivetran's test request to the URL failed (the message says what to check)`,
      ],
      EXIT_MEANING.credentialRejected,
      EXIT_MEANING.permissionMissing,
      EXIT_MEANING.unreachable,
    ],
    examples: [
      'npx fivetran-metadata webhook register --stack FivetranMetadata --region eu-west-1',
      'npx fivetran-metadata webhook register --url https://<tunnel>/webhooks/fivetran   # local server',
    ],
  },
  status: {
    usage: [
      `fivetran-metadata webhook status [--reactivate] [--webhook-id <id>] [--stack <name> | --table <name>] [--region <r>] [--secret-id <arn>] [--json]`,
    ],
    description:
      'Lists the webhooks at Fivetran and checks that ours (the id register saved in the store) is still active: Fivetran ' +
      'disables a webhook whose deliveries keep failing, and then nothing is pushed. --reactivate turns it back on ' +
      '(Fivetran tests the URL again).',
    options: [
      ['--reactivate', 'turn our webhook back on when Fivetran disabled it'],
      FLAG.webhookId,
      FLAG.stack,
      ['--table <name>', "the deployed table that holds our webhook's id (the stack's TableName)"],
      FLAG.region,
      FLAG.secretId,
      FLAG.endpoint,
      FLAG.json,
    ],
    exitCodes: [...FIVETRAN_EXITS, [EXIT_WEBHOOK_DISABLED, 'our webhook is disabled at Fivetran, or gone']],
  },
  'rotate-secret': {
    usage: [
      `fivetran-metadata webhook rotate-secret [--finish | --force] [--webhook-id <id>] ${DEPLOYED} [--secret-id <arn>]`,
    ],
    description:
      'Zero-downtime rotation. First run: a new secret is stored next to the current one (both verify), then Fivetran is told ' +
      'to sign with it. Once Fivetran has no older deliveries left to retry (about a day), --finish drops the old one; ' +
      '--finish needs no Fivetran credential.',
    options: [
      ['--finish', 'drop the previous secret: only the current one verifies from now on'],
      [
        '--force',
        'rotate although the previous rotation is unfinished: its older secret is dropped now (deliveries Fivetran still retries with it fail)',
      ],
      FLAG.webhookId,
      FLAG.stack,
      FLAG.region,
      FLAG.webhookSecretId,
      ['--table <name>', "the deployed table that holds our webhook's id; needs --webhook-secret-id"],
      FLAG.secretId,
      FLAG.endpoint,
    ],
    exitCodes: FIVETRAN_EXITS,
  },
};

const OVERVIEW: CommandHelp = {
  usage: (Object.keys(WEBHOOK_HELP) as WebhookAction[]).map(
    (action) => `fivetran-metadata webhook ${action} [options]   (webhook ${action} --help)`,
  ),
  description:
    'Our webhook at Fivetran: register it (a fresh secret, stored first), check it is still active, rotate its secret. ' +
    'Deployed, --stack <name> finds everything from the stack’s outputs. Each action’s --help lists its flags.',
  options: [FLAG.stack, FLAG.region],
  exitCodes: [
    ...FIVETRAN_EXITS,
    [EXIT_WEBHOOK_DISABLED, 'webhook status: our webhook is disabled at Fivetran, or gone'],
  ],
};

const isAction = (value: string): value is WebhookAction => value in WEBHOOK_HELP;

/** Test seams: the diagnostic request made after a failed creation probe. */
export interface WebhookCommandOptions {
  readonly probe?: ProbeContext['probe'];
}

export async function webhook(
  args: readonly string[],
  io: CliIo,
  options: WebhookCommandOptions = {},
): Promise<number> {
  const [action, ...rest] = args;
  let apiUrl: string | null = null;
  let json = false;
  try {
    if (action === undefined || action === '--help' || action === '-h') {
      (action === undefined ? io.stderr : io.stdout)(renderHelp(OVERVIEW));
      return action === undefined ? EXIT.usage : EXIT.ok;
    }
    if (!isAction(action)) {
      throw new ConfigError(`unknown webhook action "${action}"; usage: ${usageLine(OVERVIEW)}`);
    }
    let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];
    try {
      values = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false }).values;
    } catch (error) {
      throw new ConfigError(`${(error as Error).message}; usage: ${usageLine(WEBHOOK_HELP[action])}`);
    }
    json = values.json ?? false;
    if (values.help) {
      io.stdout(renderHelp(WEBHOOK_HELP[action]));
      return EXIT.ok;
    }
    const config = loadLocalConfig(io.env as Env);
    const target = await resolveWebhookTarget(action, values);
    // `--finish` only touches the stored secrets: no Fivetran credential needed.
    const needsFivetran = !(action === 'rotate-secret' && values.finish);
    const access = needsFivetran ? await fivetranAccess(io.env, target.credentialSecretId, io.sleep) : null;
    apiUrl = access?.apiUrl ?? null;
    const admin = access?.client ?? null;
    const run = { values, target, config, admin: admin as WebhookAdmin, io, probe: options.probe };
    if (action === 'register') return await register(run);
    if (action === 'status') return await webhookStatus(run);
    return await rotateSecret(values, target, config, admin, io);
  } catch (error) {
    const failure =
      error instanceof ApiAnswerError
        ? { exitCode: EXIT.unreachable, kind: 'store_unreachable', message: error.message }
        : error instanceof ProbeFailedError
          ? { exitCode: EXIT.usage, kind: 'webhook_probe_failed', message: error.message }
          : reportFailure(error, apiUrl);
    if (json)
      io.stdout(
        `${JSON.stringify({ ok: false, exit_code: failure.exitCode, error: failure.kind, message: failure.message })}\n`,
      );
    else io.stderr(`webhook ${action}: ${failure.message}\n`);
    return failure.exitCode;
  }
}

export const webhookCommand: Command = {
  name: 'webhook',
  summary: 'register our webhook at Fivetran, check it is still active, rotate its secret',
  help: OVERVIEW,
  run: (args, io) => webhook(args, io),
};
