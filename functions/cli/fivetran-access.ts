import { AWS_TIMEOUTS, awsClientConfig } from '#commons/aws/client-config';
import { ConfigError, type Env } from '#commons/config/env';
import {
  type FivetranCredential,
  fivetranApiUrl,
  fivetranCredential,
} from '#commons/config/fivetran-settings';
import { FivetranClient } from '#commons/fivetran/client';
import {
  CredentialRejectedError,
  FivetranError,
  PermissionMissingError,
  RateLimitedError,
  UnreachableError,
} from '#commons/fivetran/errors';
import { AwsProblem, describingAwsFailure } from './aws-problems.ts';
import { EXIT } from './cli-io.ts';

export const ENV_CREDENTIAL_NAME = 'FIVETRAN_API_KEY/FIVETRAN_API_SECRET';

/** How long one CLI run may spend on Fivetran, so a long `Retry-After` ends the run instead of hanging it. */
const CLI_BUDGET_MS = 60_000;

export interface FivetranAccess {
  readonly client: FivetranClient;
  readonly apiUrl: string;
  /** Where the credential came from (env names or the secret id), for messages. */
  readonly credentialName: string;
}

/** A secret ARN names its region; using it lets `--secret-id <arn>` work without AWS_REGION set. */
export function secretRegion(secretId: string): string | undefined {
  return /^arn:[^:]+:secretsmanager:([^:]+):/.exec(secretId)?.[1];
}

/**
 * The Fivetran credential from Secrets Manager JSON `{"apiKey","apiSecret"}` (the stack's API credential
 * secret), read with the caller's AWS credentials. A missing login, region or permission is one line
 * saying what to do (`AwsProblem`); the stack's unfilled placeholder is a `ConfigError` saying to fill it.
 */
export async function readCredentialFromSecret(secretId: string): Promise<FivetranCredential> {
  // Loaded only when asked for: the AWS SDK is most of the CLI's start-up time.
  const [{ GetSecretValueCommand, SecretsManagerClient }, { credentialFromSecret }] = await Promise.all([
    import('@aws-sdk/client-secrets-manager'),
    import('#commons/fivetran/credential-secret'),
  ]);
  const region = secretRegion(secretId);
  const client = new SecretsManagerClient({
    ...awsClientConfig(AWS_TIMEOUTS.cli),
    ...(region ? { region } : {}),
  });
  try {
    const answer = await describingAwsFailure(
      {
        what: `read the secret ${secretId}`,
        needs: 'secretsmanager:GetSecretValue on it (and kms:Decrypt if it has its own key)',
        notFound: `no secret ${secretId}${region ? ` in ${region}` : ''}: pass its ARN (the stack's ApiCredentialSecretArn output)`,
        region,
        regionFix: 'pass the secret’s ARN (it names its region), or set AWS_REGION',
      },
      () => client.send(new GetSecretValueCommand({ SecretId: secretId })),
    );
    return credentialFromSecret(secretId, answer.SecretString);
  } finally {
    client.destroy();
  }
}

/**
 * The Fivetran credential from `--secret-id` (see `readCredentialFromSecret`) or from
 * `FIVETRAN_API_KEY`/`FIVETRAN_API_SECRET`; neither is a `ConfigError` (exit 1).
 */
export async function loadFivetranCredential(
  env: Env,
  secretId: string | undefined,
): Promise<{ credential: FivetranCredential; credentialName: string }> {
  const credential = secretId ? await readCredentialFromSecret(secretId) : fivetranCredential(env);
  if (credential === null) {
    throw new ConfigError(
      'no Fivetran credential: set FIVETRAN_API_KEY and FIVETRAN_API_SECRET (environment or .env), ' +
        "or pass --secret-id <secret-arn> (the stack's ApiCredentialSecretArn)",
    );
  }
  return { credential, credentialName: secretId ?? ENV_CREDENTIAL_NAME };
}

/**
 * Builds a client from `--secret-id` or the environment (`loadFivetranCredential`); `FIVETRAN_API_URL` picks
 * the endpoint. Config problems are `ConfigError`s (exit 1).
 */
export async function fivetranAccess(
  env: Env,
  secretId: string | undefined,
  sleep?: (ms: number) => Promise<void>,
  now: () => number = Date.now,
): Promise<FivetranAccess> {
  const apiUrl = fivetranApiUrl(env.FIVETRAN_API_URL?.trim() || undefined);
  const { credential, credentialName } = await loadFivetranCredential(env, secretId);
  const deadline = now() + CLI_BUDGET_MS;
  const client = new FivetranClient({
    baseUrl: apiUrl,
    credential,
    credentialName,
    maxAttempts: 3,
    remainingMs: () => deadline - now(),
    sleep,
    now,
  });
  return { client, apiUrl, credentialName };
}

export interface FailureReport {
  readonly exitCode: number;
  /** Stable name for `--json` output. */
  readonly kind: string;
  /** One line: what happened and what to do. */
  readonly message: string;
}

/** Maps any failure of a Fivetran command to its exit code and a one-line explanation. */
export function reportFailure(error: unknown, apiUrl: string | null): FailureReport {
  if (error instanceof AwsProblem) {
    return {
      exitCode: error.exitCode,
      kind: error.exitCode === EXIT.usage ? 'aws_setup' : 'aws_unreachable',
      message: error.message,
    };
  }
  if (error instanceof ConfigError) return { exitCode: EXIT.usage, kind: 'config', message: error.message };
  if (error instanceof CredentialRejectedError) {
    return { exitCode: EXIT.credentialRejected, kind: 'credential_rejected', message: error.message };
  }
  if (error instanceof PermissionMissingError) {
    return { exitCode: EXIT.permissionMissing, kind: 'permission_missing', message: error.message };
  }
  const where = apiUrl ?? 'the Fivetran API';
  if (error instanceof UnreachableError) {
    return {
      exitCode: EXIT.unreachable,
      kind: 'unreachable',
      message: `${error.message}. Check FIVETRAN_API_URL (${where}), the network and https://status.fivetran.com.`,
    };
  }
  if (error instanceof RateLimitedError) {
    return {
      exitCode: EXIT.unreachable,
      kind: 'rate_limited',
      message: `${error.message}. Try again later.`,
    };
  }
  if (error instanceof FivetranError) {
    return {
      exitCode: EXIT.unreachable,
      kind: 'unexpected_answer',
      message: `${error.message}. Is FIVETRAN_API_URL (${where}) the Fivetran REST API?`,
    };
  }
  throw error;
}
