import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { ConfigError } from '../config/env.ts';
import type { FivetranCredential } from '../config/fivetran-settings.ts';

/** The API credential secret the stack creates empty and the operator fills: `{"apiKey","apiSecret"}`. */
const credentialSecretSchema = z.object({
  apiKey: z.string().trim().min(1),
  apiSecret: z.string().trim().min(1),
});

/**
 * The secret still holds the stack's empty placeholder: the operator has not filled it yet. Not a failure:
 * a fresh deployment stays quiet until then (the sweep records `not_configured`).
 */
export class CredentialNotConfiguredError extends ConfigError {
  override name = 'CredentialNotConfiguredError';
}

/**
 * The credential in a secret's value (the string, or its parsed JSON). Problems become one-line
 * `ConfigError`s that name the secret but never echo its value.
 */
export function credentialFromSecret(secretId: string, value: unknown): FivetranCredential {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new ConfigError(`secret ${secretId} is empty: put {"apiKey":"…","apiSecret":"…"} in it`);
  }
  let json: unknown = value;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch {
      throw new ConfigError(`secret ${secretId} is not JSON: expected {"apiKey":"…","apiSecret":"…"}`);
    }
  }
  const fields = json as { apiKey?: unknown; apiSecret?: unknown } | null;
  if (fields !== null && typeof fields === 'object' && fields.apiKey === '' && fields.apiSecret === '') {
    throw new CredentialNotConfiguredError(
      `secret ${secretId} still holds the stack's empty placeholder: put {"apiKey":"…","apiSecret":"…"} in it`,
    );
  }
  const parsed = credentialSecretSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`secret ${secretId} needs non-empty "apiKey" and "apiSecret" fields`);
  }
  return parsed.data;
}

/** Reads the Fivetran credential from Secrets Manager (the CLI's `--secret-id`). */
export async function readCredentialSecret(
  secretId: string,
  client: SecretsManagerClient = new SecretsManagerClient(regionOf(secretId)),
): Promise<FivetranCredential> {
  let value: string | undefined;
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    value = answer.SecretString;
  } catch (error) {
    const name = (error as Error).name || 'Error';
    throw new ConfigError(`could not read secret ${secretId} from Secrets Manager (${name})`);
  }
  return credentialFromSecret(secretId, value);
}

/** A secret ARN names its region; using it lets `--secret-id` work without AWS_REGION set. */
function regionOf(secretId: string): { region?: string } {
  const region = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(secretId)?.[1];
  return region ? { region } : {};
}
