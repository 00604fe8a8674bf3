import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWS_TIMEOUTS, awsClientConfig } from '#commons/aws/client-config';
import { ConfigError } from '#commons/config/env';
import type { LocalConfig } from '#commons/config/local-config';
import {
  fileSecretStore,
  secretsManagerSecretStore,
  type WebhookSecretStore,
} from '#commons/webhook-secret/secret-store';
import type { WebhookAdmin } from '#commons/webhook-secret/webhook-registration';
import { describingAwsFailure } from '../aws-problems.ts';
import type { CliIo } from '../cli-io.ts';
import { readDeployedStack } from '../deployed-stack.ts';
import { secretRegion } from '../fivetran-access.ts';
import type { ProbeContext } from './webhook-probe.ts';

export type WebhookAction = 'register' | 'status' | 'rotate-secret';

/** The flags every webhook action reads (parsed by `webhook.ts`). */
export interface WebhookValues {
  readonly url?: string | undefined;
  readonly group?: string | undefined;
  readonly stack?: string | undefined;
  readonly 'secret-id'?: string | undefined;
  readonly 'webhook-secret-id'?: string | undefined;
  readonly 'webhook-id'?: string | undefined;
  readonly table?: string | undefined;
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly reactivate?: boolean | undefined;
  readonly finish?: boolean | undefined;
  readonly force?: boolean | undefined;
  readonly json?: boolean | undefined;
}

/** A deployment: its table and the signing secret its webhook function reads. */
/** What a webhook subcommand works with: its flags, where the receiver is, the Fivetran client. */
export interface WebhookRun {
  readonly values: WebhookValues;
  readonly target: WebhookTarget;
  readonly config: LocalConfig;
  readonly admin: WebhookAdmin;
  readonly io: CliIo;
  readonly probe?: ProbeContext['probe'] | undefined;
}

export interface DeployedReceiver {
  readonly tableName: string;
  readonly region: string | undefined;
  readonly endpoint: string | undefined;
  /** Absent for `webhook status`, which never touches the signing secret. */
  readonly webhookSecretId: string | undefined;
}

/** Where one webhook action works: a deployment (from `--stack` or the flags), or this machine's DATA_DIR. */
export interface WebhookTarget {
  readonly deployed: DeployedReceiver | null;
  /** `--secret-id`, or the stack's API credential secret; unset: FIVETRAN_API_KEY/SECRET. */
  readonly credentialSecretId: string | undefined;
  /** `--url`, else the stack's WebhookUrl. */
  readonly url: string | undefined;
  /** For messages: `stack prod (eu-west-1)`. */
  readonly stack: string | null;
}

const STACK_SUPPLIES = ['table', 'webhook-secret-id', 'secret-id'] as const;

/**
 * Resolves the flags into one target, refusing every combination that would leave the deployed receiver
 * with a secret it never reads, before anything is stored or created:
 * - `--stack <name>`: the table, region, signing secret, API credential and URL from the stack's outputs
 *   (`--url` may still name another address, e.g. a custom domain; `--region` says where the stack is).
 * - `--table` without `--webhook-secret-id` (register, rotate-secret): refused. The new secret would go to
 *   this machine's DATA_DIR, the deployed webhook function would reject every delivery with 401, and
 *   Fivetran would disable the webhook.
 * - `--webhook-secret-id` without `--table` (register, rotate-secret unless --finish or --webhook-id):
 *   refused, because the webhook id must be saved in, or read from, the deployment's table.
 */
export async function resolveWebhookTarget(
  action: WebhookAction,
  values: WebhookValues,
): Promise<WebhookTarget> {
  if (values.stack !== undefined) {
    const given = STACK_SUPPLIES.filter((flag) => values[flag] !== undefined);
    if (given.length > 0) {
      throw new ConfigError(
        `--stack supplies ${STACK_SUPPLIES.map((f) => `--${f}`).join(', ')} from its outputs: leave out ${given.map((f) => `--${f}`).join(', ')} (or --stack)`,
      );
    }
    const stack = await readDeployedStack(values.stack, { region: values.region });
    return {
      deployed: {
        tableName: stack.tableName,
        region: stack.region,
        endpoint: values.endpoint,
        webhookSecretId: stack.webhookSecretArn,
      },
      credentialSecretId: stack.apiCredentialSecretArn,
      url: values.url ?? stack.webhookUrl,
      stack: `stack ${stack.stackName} (${stack.region})`,
    };
  }
  const secretId = values['webhook-secret-id'];
  const touchesSecret = action === 'register' || action === 'rotate-secret';
  if (touchesSecret && values.table !== undefined && secretId === undefined) {
    throw new ConfigError(
      `--table names a deployment, but without --webhook-secret-id the new signing secret would be stored in this machine's DATA_DIR, ` +
        `which the deployed webhook function never reads (every delivery would get 401 until Fivetran disables the webhook): ` +
        `pass --webhook-secret-id <the stack's WebhookSecretArn> too, or just --stack <stack name>`,
    );
  }
  const needsTable =
    action === 'register' || (action === 'rotate-secret' && !values.finish && !values['webhook-id']);
  if (secretId !== undefined && values.table === undefined && needsTable) {
    throw new ConfigError(
      action === 'register'
        ? '--table <name> is required with --webhook-secret-id: the webhook id is saved there, where the sweep checks it stays active (or use --stack <stack name>)'
        : '--table <name> (or --webhook-id <id>) is required with --webhook-secret-id: the deployment’s table holds the webhook id to rotate (or use --stack <stack name>)',
    );
  }
  return {
    deployed:
      values.table === undefined
        ? null
        : {
            tableName: values.table,
            region: values.region,
            endpoint: values.endpoint,
            webhookSecretId: secretId,
          },
    credentialSecretId: values['secret-id'],
    url: values.url,
    stack: null,
  };
}

/**
 * Where the receiver's signing secrets live: the deployed secret, read once now so that a missing login,
 * region or permission is said before anything is stored or created; or, locally, the local server's
 * generated file under DATA_DIR. FIVETRAN_WEBHOOK_SECRET overrides that file in the local server, so
 * changing the file would not reach it: refused with what to do instead.
 */
export async function openSecretStore(
  secretId: string | undefined,
  config: LocalConfig,
): Promise<WebhookSecretStore & { close(): void }> {
  if (secretId !== undefined) {
    const region = secretRegion(secretId);
    const client = new SecretsManagerClient({
      ...awsClientConfig(AWS_TIMEOUTS.cli),
      ...(region ? { region } : {}),
    });
    const check = describingAwsFailure(
      {
        what: `read the webhook signing secret ${secretId}`,
        needs: 'secretsmanager:GetSecretValue and secretsmanager:PutSecretValue on it',
        notFound: `no secret ${secretId}${region ? ` in ${region}` : ''}: pass the stack's WebhookSecretArn output (or --stack)`,
        region,
      },
      () => client.send(new GetSecretValueCommand({ SecretId: secretId })),
    );
    await check.catch((error: unknown) => {
      client.destroy();
      throw error;
    });
    return { ...secretsManagerSecretStore(client, secretId), close: () => client.destroy() };
  }
  if (config.webhookSecrets) {
    throw new ConfigError(
      'FIVETRAN_WEBHOOK_SECRET is set, so the local server verifies with it, not with the generated secret file: ' +
        'unset it to let this command manage the secret, or pass --stack (or --webhook-secret-id) for a deployed receiver',
    );
  }
  return { ...fileSecretStore(config.dataDir), close: () => {} };
}
