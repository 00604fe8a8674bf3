import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError, type Env } from '../config/env.ts';
import { alertEnvFromSecret } from './alert-config.ts';

/**
 * Reads the deployed alert channel secret (the CLI's `alerts test --secret-id`): its entries as env
 * variables to lay over the environment. A failure names the secret, never its value.
 */
export async function readAlertSecret(
  secretId: string,
  client: SecretsManagerClient = new SecretsManagerClient(regionOf(secretId)),
): Promise<Env> {
  let value: string | undefined;
  try {
    value = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    const name = (error as Error).name || 'Error';
    throw new ConfigError(`could not read secret ${secretId} from Secrets Manager (${name})`);
  }
  try {
    return alertEnvFromSecret(value ?? '');
  } catch (error) {
    throw new ConfigError(`secret ${secretId}: ${(error as Error).message}`);
  }
}

/** A secret ARN names its region; using it lets `--secret-id` work without AWS_REGION set. */
function regionOf(secretId: string): { region?: string } {
  const region = /^arn:[^:]+:secretsmanager:([^:]+):/.exec(secretId)?.[1];
  return region ? { region } : {};
}
