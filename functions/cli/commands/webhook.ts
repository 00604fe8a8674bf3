import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, type Env } from '#commons/config/env';
import { type LocalConfig, loadLocalConfig } from '#commons/config/local-config';
import type { Webhook } from '#commons/fivetran/schemas';
import { createHttpApp } from '#commons/http/app';
import { startHttpServer } from '#commons/http/node-server';
import { connectionWriter } from '#commons/ingest/connection-writer';
import { eventRecorder } from '#commons/ingest/record-event';
import { terminalSafe } from '#commons/lib/terminal-text';
import type { Summary } from '#commons/read/summary';
import { fileSecretSource } from '#commons/webhook-secret/file-secret-source';
import {
  fileSecretStore,
  secretsManagerSecretStore,
  type WebhookSecretStore,
} from '#commons/webhook-secret/secret-store';
import {
  finishRotation,
  listWebhooks,
  type Registered,
  registerWebhook,
  rotateWebhookSecret,
  type WebhookAdmin,
} from '#commons/webhook-secret/webhook-registration';
import {
  type ApiAccess,
  ApiAnswerError,
  dataDirAccess,
  localServerAccess,
  NothingStoredError,
  openReadAccess,
  tableAccess,
} from '../api-access.ts';
import { type CliIo, type Command, EXIT } from '../cli-io.ts';
import { fivetranAccess, reportFailure } from '../fivetran-access.ts';

const TABLE_OPTIONS = '[--table <name> [--region <r>] [--endpoint <url>]]';
const USAGE = [
  `fivetran-metadata webhook register --url <https-url> [--group <id>] [--secret-id <credential-arn>] [--webhook-secret-id <arn> --table <name>]`,
  `fivetran-metadata webhook status [--reactivate] [--webhook-id <id>] [--secret-id <credential-arn>] ${TABLE_OPTIONS} [--json]`,
  `fivetran-metadata webhook rotate-secret [--finish | --force] [--webhook-id <id>] [--secret-id <credential-arn>] [--webhook-secret-id <arn>] ${TABLE_OPTIONS}`,
].join('\n       ');

/** `webhook status` found our webhook disabled (or gone) at Fivetran: deliveries have stopped. */
export const EXIT_WEBHOOK_DISABLED = 5;

const OPTIONS = {
  url: { type: 'string' },
  group: { type: 'string' },
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

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

function regionOf(arn: string): { region?: string } {
  const region = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(arn)?.[1];
  return region ? { region } : {};
}

/**
 * Where the receiver's signing secrets live: the deployed secret (`--webhook-secret-id`), or the local
 * server's generated file under DATA_DIR. FIVETRAN_WEBHOOK_SECRET overrides that file in the local server,
 * so changing the file would not reach it: refused with what to do instead.
 */
function secretStore(values: Values, config: LocalConfig): WebhookSecretStore {
  const arn = values['webhook-secret-id'];
  if (arn) return secretsManagerSecretStore(new SecretsManagerClient(regionOf(arn)), arn);
  if (config.webhookSecrets) {
    throw new ConfigError(
      'FIVETRAN_WEBHOOK_SECRET is set, so the local server verifies with it, not with the generated secret file: ' +
        'unset it to let this command manage the secret, or pass --webhook-secret-id for a deployed receiver',
    );
  }
  return fileSecretStore(config.dataDir);
}

/** The read side, as `status` finds it; null when DATA_DIR holds nothing yet. */
async function readAccess(values: Values, config: LocalConfig): Promise<ApiAccess | null> {
  try {
    return await openReadAccess(() => config, {
      name: values.table,
      region: values.region,
      endpoint: values.endpoint,
    });
  } catch (error) {
    if (error instanceof NothingStoredError) return null;
    throw error;
  }
}

/** Our webhook's id: `--webhook-id`, else the one `webhook register` saved. */
async function registeredWebhook(
  values: Values,
  config: LocalConfig,
): Promise<{ id: string | null; from: string }> {
  if (values['webhook-id']) return { id: values['webhook-id'], from: '--webhook-id' };
  const access = await readAccess(values, config);
  if (access === null) return { id: null, from: 'no store' };
  try {
    const summary = await access.get<Summary>('/api/summary');
    return { id: summary.registered_webhook?.webhook_id ?? null, from: access.description };
  } finally {
    await access.close();
  }
}

async function register(
  values: Values,
  config: LocalConfig,
  admin: WebhookAdmin,
  io: CliIo,
): Promise<number> {
  if (!values.url) throw new ConfigError('--url is required: the public https URL Fivetran should call');
  const secrets = secretStore(values, config);
  const deployed = values['webhook-secret-id'] !== undefined;
  if (deployed && !values.table) {
    throw new ConfigError(
      '--table <name> is required with --webhook-secret-id: the webhook id is saved there, where the sweep checks it stays active',
    );
  }
  let access: ApiAccess;
  let receiver: { close(): Promise<void> } | null = null;
  if (deployed) {
    access = tableAccess({
      tableName: values.table as string,
      region: values.region,
      endpoint: values.endpoint,
    });
  } else {
    const running = await localServerAccess(config);
    if (running) {
      throw new ConfigError(
        `${running.description} holds DATA_DIR: stop it, then run register again (while it runs, register answers Fivetran's creation probe itself on ${config.host}:${config.port})`,
      );
    }
    access = await dataDirAccess(config, { create: true });
  }
  try {
    const repositories = access.repositories;
    if (!repositories) throw new Error('register needs the table itself');
    if (!deployed) {
      // Fivetran probes the URL before it creates the webhook: answer it (and any event right after) here.
      const writer = connectionWriter(repositories.connections);
      const app = createHttpApp({
        repositories,
        webhook: {
          recorder: eventRecorder({ repositories, writer }),
          secrets: fileSecretSource(config.dataDir, await secrets.read()),
        },
      });
      receiver = await startHttpServer({ app, host: config.host, port: config.port });
    }
    const registered: Registered = await registerWebhook({
      admin,
      secrets,
      url: values.url,
      groupId: values.group ?? null,
    });
    const { webhook } = registered;
    try {
      await repositories.webhookRegistration.save({
        webhook_id: webhook.id,
        url: webhook.url ?? values.url,
        group_id: values.group ?? null,
      });
    } catch (error) {
      io.stderr(
        `webhook register: Fivetran webhook ${webhook.id} was created, but saving its id in ${access.description} failed (${(error as Error).name}); ` +
          `pass --webhook-id ${webhook.id} to webhook status and rotate-secret\n`,
      );
      return EXIT.unreachable;
    }
    const scope = values.group ? `group ${values.group}` : 'account';
    io.stdout(
      [
        `Registered ${scope} webhook ${webhook.id} → ${webhook.url}`,
        `  events:  ${webhook.events?.length ?? 0} (${(webhook.events ?? []).join(', ')})`,
        `  secret:  a new one, stored in ${secrets.name} before Fivetran was called (the previous one still verifies)`,
        `  saved:   in ${access.description}; the sweep checks it stays active`,
        '',
      ].join('\n'),
    );
    if (registered.skippedEvents.length > 0) {
      io.stderr(
        `warning: Fivetran refused ${registered.skippedEvents.join(', ')}; registered without them\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await receiver?.close();
    await access.close();
  }
}

function describeWebhook(webhook: Webhook, ours: boolean): string {
  const scope = webhook.type === 'group' ? `group ${webhook.group_id ?? '?'}` : 'account';
  const line = `${ours ? '*' : ' '} ${webhook.id}  ${webhook.active ? 'active  ' : 'DISABLED'}  ${scope}  ${webhook.events?.length ?? 0} events  ${webhook.url ?? '?'}`;
  return terminalSafe(line);
}

async function status(values: Values, config: LocalConfig, admin: WebhookAdmin, io: CliIo): Promise<number> {
  const [webhooks, ours] = await Promise.all([listWebhooks(admin), registeredWebhook(values, config)]);
  let mine = webhooks.find((w) => w.id === ours.id) ?? null;
  let reactivated = false;
  if (mine && !mine.active && values.reactivate) {
    // Activation makes Fivetran probe the URL again: the receiver must answer.
    mine = await admin.updateWebhook(mine.id, { active: true });
    reactivated = true;
  }
  const problem =
    ours.id === null
      ? null
      : mine === null
        ? `our webhook ${ours.id} no longer exists at Fivetran: register a new one with fivetran-metadata webhook register --url <https-url>`
        : !mine.active
          ? `our webhook ${mine.id} is DISABLED at Fivetran (its deliveries kept failing): no events are pushed. Re-activate it with: fivetran-metadata webhook status --reactivate`
          : null;
  if (values.json) {
    io.stdout(
      `${JSON.stringify({ ok: problem === null, registered_webhook_id: ours.id, reactivated, problem, webhooks: webhooks.map((w) => (w.id === mine?.id ? mine : w)) })}\n`,
    );
  } else {
    const lines = webhooks.map((w) => describeWebhook(w.id === mine?.id ? mine : w, w.id === ours.id));
    io.stdout(
      [
        webhooks.length === 0
          ? 'No webhooks at Fivetran.'
          : `Webhooks at Fivetran (* = ours, from ${ours.from}):`,
        ...lines,
        ...(ours.id === null
          ? ['(no registered webhook known: run webhook register, or pass --webhook-id)']
          : []),
        ...(reactivated ? [`Re-activated ${mine?.id}: Fivetran probed the URL and resumed deliveries.`] : []),
        ...(mine?.active && values.reactivate && !reactivated ? [`${mine.id} is already active.`] : []),
        '',
      ].join('\n'),
    );
  }
  if (problem) {
    if (!values.json) io.stderr(`\n!!! ${problem}\n\n`);
    return EXIT_WEBHOOK_DISABLED;
  }
  return EXIT.ok;
}

async function rotate(
  values: Values,
  config: LocalConfig,
  admin: WebhookAdmin | null,
  io: CliIo,
): Promise<number> {
  const secrets = secretStore(values, config);
  if (values.finish) {
    const dropped = await finishRotation(secrets);
    io.stdout(
      dropped
        ? `Dropped the previous secret from ${secrets.name}: only the current one verifies now.\n`
        : `${secrets.name} holds only the current secret: nothing to finish.\n`,
    );
    return EXIT.ok;
  }
  const ours = await registeredWebhook(values, config);
  if (ours.id === null) {
    throw new ConfigError(
      'no registered webhook known: run webhook register first, or pass --webhook-id <id>',
    );
  }
  await rotateWebhookSecret({
    admin: admin as WebhookAdmin,
    secrets,
    webhookId: ours.id,
    force: values.force === true,
  });
  io.stdout(
    [
      `Rotated the secret of webhook ${ours.id}: the new one is current in ${secrets.name}, the old one still verifies,`,
      'and Fivetran signs with the new one from now on.',
      'When Fivetran has no older deliveries left to retry (it retries for about a day), finish with:',
      '  fivetran-metadata webhook rotate-secret --finish',
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}

export async function webhook(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  let apiUrl: string | null = null;
  let json = false;
  try {
    if (action === undefined || action === '--help' || action === '-h') {
      (action === undefined ? io.stderr : io.stdout)(`usage: ${USAGE}\n`);
      return action === undefined ? EXIT.usage : EXIT.ok;
    }
    if (!['register', 'status', 'rotate-secret'].includes(action)) {
      throw new ConfigError(`unknown webhook action "${action}"; usage: ${USAGE}`);
    }
    const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
    json = values.json ?? false;
    if (values.help) {
      io.stdout(`usage: ${USAGE}\n`);
      return EXIT.ok;
    }
    const config = loadLocalConfig(io.env as Env);
    // `--finish` only touches the stored secrets: no Fivetran credential needed.
    const needsFivetran = !(action === 'rotate-secret' && values.finish);
    const access = needsFivetran ? await fivetranAccess(io.env, values['secret-id'], io.sleep) : null;
    apiUrl = access?.apiUrl ?? null;
    const admin = access?.client ?? null;
    if (action === 'register') return await register(values, config, admin as WebhookAdmin, io);
    if (action === 'status') return await status(values, config, admin as WebhookAdmin, io);
    return await rotate(values, config, admin, io);
  } catch (error) {
    const usageMistake = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const failure =
      error instanceof ApiAnswerError
        ? { exitCode: EXIT.unreachable, kind: 'store_unreachable', message: error.message }
        : reportFailure(
            usageMistake ? new ConfigError(`${(error as Error).message}; usage: ${USAGE}`) : error,
            apiUrl,
          );
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
  usage: USAGE,
  run: webhook,
};
