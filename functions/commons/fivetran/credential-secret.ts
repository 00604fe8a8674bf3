import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { ConfigError, type FivetranCredential } from '../config.ts';

/** The API credential secret the stack creates empty and the operator fills: `{"apiKey","apiSecret"}`. */
const credentialSecretSchema = z.object({
  apiKey: z.string().trim().min(1),
  apiSecret: z.string().trim().min(1),
});

/**
 * Reads the Fivetran credential from Secrets Manager. Problems become one-line `ConfigError`s that name
 * the secret but never echo its value.
 */
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
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(`secret ${secretId} is empty: put {"apiKey":"…","apiSecret":"…"} in it`);
  }
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    throw new ConfigError(`secret ${secretId} is not JSON: expected {"apiKey":"…","apiSecret":"…"}`);
  }
  const parsed = credentialSecretSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`secret ${secretId} needs non-empty "apiKey" and "apiSecret" fields`);
  }
  return parsed.data;
}

/** A secret ARN names its region; using it lets `--secret-id` work without AWS_REGION set. */
function regionOf(secretId: string): { region?: string } {
  const region = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(secretId)?.[1];
  return region ? { region } : {};
}
