import { ConfigError } from '#commons/config/env';
import type { LocalConfig } from '#commons/config/local-config';
import type { Webhook } from '#commons/fivetran/schemas';
import { terminalSafe } from '#commons/lib/terminal-text';
import type { Summary } from '#commons/read/summary';
import {
  finishRotation,
  listWebhooks,
  rotateWebhookSecret,
  type WebhookAdmin,
} from '#commons/webhook-secret/webhook-registration';
import { type ApiAccess, NothingStoredError, openReadAccess } from '../api-access.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import { explainProbeFailure } from './webhook-probe.ts';
import {
  openSecretStore,
  type WebhookRun,
  type WebhookTarget,
  type WebhookValues,
} from './webhook-target.ts';

/** The flags that name the same stack again, for the next command a message suggests. */
function stackFlags(values: WebhookValues): string {
  if (values.stack === undefined) return '';
  return ` --stack ${values.stack}${values.region ? ` --region ${values.region}` : ''}`;
}

/** `webhook status` found our webhook disabled (or gone) at Fivetran: deliveries have stopped. */
export const EXIT_WEBHOOK_DISABLED = 5;

/** The read side, as `status` finds it (the deployment's table, the local server, DATA_DIR); null when empty. */
async function readAccess(target: WebhookTarget, config: LocalConfig): Promise<ApiAccess | null> {
  try {
    return await openReadAccess(() => config, {
      name: target.deployed?.tableName,
      region: target.deployed?.region,
      endpoint: target.deployed?.endpoint,
    });
  } catch (error) {
    if (error instanceof NothingStoredError) return null;
    throw error;
  }
}

/** Our webhook's id: `--webhook-id`, else the one `webhook register` saved. */
async function registeredWebhook(
  values: WebhookValues,
  target: WebhookTarget,
  config: LocalConfig,
): Promise<{ id: string | null; from: string }> {
  if (values['webhook-id']) return { id: values['webhook-id'], from: '--webhook-id' };
  const access = await readAccess(target, config);
  if (access === null) return { id: null, from: 'no store' };
  try {
    const summary = await access.get<Summary>('/api/summary');
    return { id: summary.registered_webhook?.webhook_id ?? null, from: access.description };
  } finally {
    await access.close();
  }
}

function describeWebhook(webhook: Webhook, ours: boolean): string {
  const scope = webhook.type === 'group' ? `group ${webhook.group_id ?? '?'}` : 'account';
  // Ids and the URL came from Fivetran: no control sequence reaches the terminal.
  return terminalSafe(
    `${ours ? '*' : ' '} ${webhook.id}  ${webhook.active ? 'active  ' : 'DISABLED'}  ${scope}  ${webhook.events?.length ?? 0} events  ${webhook.url ?? '?'}`,
  );
}

export async function webhookStatus(run: WebhookRun): Promise<number> {
  const { values, target, config, admin, io, probe } = run;
  const [webhooks, ours] = await Promise.all([
    listWebhooks(admin),
    registeredWebhook(values, target, config),
  ]);
  let mine = webhooks.find((w) => w.id === ours.id) ?? null;
  let reactivated = false;
  if (mine && !mine.active && values.reactivate) {
    // Activation makes Fivetran probe the URL again: the receiver must answer.
    const disabled = mine;
    try {
      mine = await admin.updateWebhook(disabled.id, { active: true });
    } catch (error) {
      throw (
        (await explainProbeFailure(error, {
          url: disabled.url ?? '(no URL)',
          secretsName: target.deployed?.webhookSecretId ?? 'the signing secret',
          receiver: target.deployed
            ? { kind: 'deployed' }
            : { kind: 'local', listen: `${config.host}:${config.port}` },
          creating: false,
          ...(probe ? { probe } : {}),
        })) ?? error
      );
    }
    reactivated = true;
  }
  const again = stackFlags(values);
  const problem =
    ours.id === null
      ? null
      : mine === null
        ? `our webhook ${ours.id} no longer exists at Fivetran: register a new one with fivetran-metadata webhook register${again || ' --url <https-url>'}`
        : !mine.active
          ? `our webhook ${mine.id} is DISABLED at Fivetran (its deliveries kept failing): no events are pushed. Re-activate it with: fivetran-metadata webhook status --reactivate${again}`
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

export async function rotateSecret(
  values: WebhookValues,
  target: WebhookTarget,
  config: LocalConfig,
  admin: WebhookAdmin | null,
  io: CliIo,
): Promise<number> {
  const secrets = await openSecretStore(target.deployed?.webhookSecretId, config);
  const again = stackFlags(values);
  try {
    if (values.finish) {
      const dropped = await finishRotation(secrets);
      io.stdout(
        dropped
          ? `Dropped the previous secret from ${secrets.name}: only the current one verifies now.\n`
          : `${secrets.name} holds only the current secret: nothing to finish.\n`,
      );
      return EXIT.ok;
    }
    const ours = await registeredWebhook(values, target, config);
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
        `  fivetran-metadata webhook rotate-secret --finish${again || (target.deployed?.webhookSecretId ? ` --webhook-secret-id ${target.deployed.webhookSecretId}` : '')}`,
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  } finally {
    secrets.close();
  }
}
