import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/env.ts';
import { parseSecretList } from '../config/webhook-secret-list.ts';

export const WEBHOOK_SECRET_FILE = 'webhook-secret';

export interface LocalWebhookSecret {
  readonly secrets: readonly string[];
  readonly path: string;
  /** True on the start that generated it. */
  readonly created: boolean;
}

/**
 * Local mode without FIVETRAN_WEBHOOK_SECRET: a secret generated once into DATA_DIR (owner-only), then
 * reused on every start, so a webhook registered against this server keeps working across restarts.
 */
export function loadOrCreateWebhookSecret(dataDir: string): LocalWebhookSecret {
  const path = join(dataDir, WEBHOOK_SECRET_FILE);
  const generated = randomBytes(32).toString('base64url');
  try {
    writeFileSync(path, `${generated}\n`, { flag: 'wx', mode: 0o600 });
    return { secrets: [generated], path, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  try {
    return { secrets: parseSecretList(readFileSync(path, 'utf8').trim()), path, created: false };
  } catch (error) {
    throw new ConfigError(
      `${path} does not hold a usable webhook secret (${(error as Error).message}); delete it to generate a new one`,
    );
  }
}
