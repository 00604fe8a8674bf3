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

/**
 * Builds a client from `--secret-id` (Secrets Manager JSON `{"apiKey","apiSecret"}`) or from
 * `FIVETRAN_API_KEY`/`FIVETRAN_API_SECRET`; `FIVETRAN_API_URL` picks the endpoint. Config problems are
 * `ConfigError`s (exit 1).
 */
export async function fivetranAccess(
  env: Env,
  secretId: string | undefined,
  sleep?: (ms: number) => Promise<void>,
  now: () => number = Date.now,
): Promise<FivetranAccess> {
  const apiUrl = fivetranApiUrl(env.FIVETRAN_API_URL?.trim() || undefined);
  let credential: FivetranCredential | null;
  let credentialName: string;
  if (secretId) {
    // Loaded only when asked for: the AWS SDK is most of the CLI's start-up time.
    const { readCredentialSecret } = await import('#commons/fivetran/credential-secret');
    credential = await readCredentialSecret(secretId);
    credentialName = secretId;
  } else {
    credential = fivetranCredential(env);
    credentialName = ENV_CREDENTIAL_NAME;
  }
  if (credential === null) {
    throw new ConfigError(
      'no Fivetran credential: set FIVETRAN_API_KEY and FIVETRAN_API_SECRET (environment or .env), ' +
        'or pass --secret-id <secret-arn>',
    );
  }
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
