import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { ConfigError } from '../config/env.ts';
import { parseSecretList } from '../config/webhook-secret-list.ts';
import { WEBHOOK_SECRET_FILE } from './local-secret-file.ts';

/** A fresh webhook signing secret: 32 random bytes, base64url (no `,`, so it fits a `current,previous` list). */
export function newWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Where the receiver reads its signing secrets from, as `current[,previous]`. Writes go here BEFORE Fivetran
 * is told about a new secret, so the receiver already accepts what Fivetran will sign with.
 */
export interface WebhookSecretStore {
  /** For messages: the file path or the secret's id (never its value). */
  readonly name: string;
  /** Current first; empty when nothing is stored yet. */
  read(): Promise<string[]>;
  write(secrets: readonly string[]): Promise<void>;
}

/** The local server's generated secret file under DATA_DIR (owner-only), replaced atomically. */
export function fileSecretStore(dataDir: string): WebhookSecretStore {
  const path = join(dataDir, WEBHOOK_SECRET_FILE);
  return {
    name: path,
    async read() {
      if (!existsSync(path)) return [];
      try {
        return parseSecretList(readFileSync(path, 'utf8').trim());
      } catch (error) {
        throw new ConfigError(`${path} does not hold a usable webhook secret (${(error as Error).message})`);
      }
    },
    async write(secrets) {
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, `${secrets.join(',')}\n`, { mode: 0o600 });
      renameSync(temporary, path);
    },
  };
}

/** The deployed webhook signing secret in Secrets Manager (a plain `current[,previous]` string). */
export function secretsManagerSecretStore(
  client: SecretsManagerClient,
  secretId: string,
): WebhookSecretStore {
  return {
    name: secretId,
    async read() {
      let value: string | undefined;
      try {
        value = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
      } catch (error) {
        throw new ConfigError(
          `could not read secret ${secretId} from Secrets Manager (${(error as Error).name})`,
        );
      }
      if (!value?.trim()) return [];
      try {
        return parseSecretList(value.trim());
      } catch (error) {
        throw new ConfigError(`secret ${secretId} is not a webhook secret list: ${(error as Error).message}`);
      }
    },
    async write(secrets) {
      try {
        await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: secrets.join(',') }));
      } catch (error) {
        throw new ConfigError(
          `could not write secret ${secretId} in Secrets Manager (${(error as Error).name})`,
        );
      }
    },
  };
}
