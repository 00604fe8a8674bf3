import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseSecretList } from '../config/webhook-secret-list.ts';
import { WEBHOOK_SECRET_FILE } from './local-secret-file.ts';
import type { WebhookSecretSource } from './secret-source.ts';

/**
 * The local server's secrets from the DATA_DIR file, read again whenever the file changed (one `stat` per
 * delivery), so `webhook register` and `webhook rotate-secret` (and its `--finish`) take effect in a running
 * server at once. A file that cannot be read or parsed keeps the secrets already loaded.
 */
export function fileSecretSource(dataDir: string, initial: readonly string[]): WebhookSecretSource {
  const path = join(dataDir, WEBHOOK_SECRET_FILE);
  let secrets = [...initial];
  let seen: string | null = null;

  /** True when the file's content changed since it was last read. */
  function refresh(): boolean {
    let stamp: string;
    try {
      const stat = statSync(path);
      stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch {
      return false;
    }
    if (stamp === seen) return false;
    seen = stamp;
    try {
      const fresh = parseSecretList(readFileSync(path, 'utf8').trim());
      if (fresh.join(',') === secrets.join(',')) return false;
      secrets = fresh;
      return true;
    } catch {
      return false;
    }
  }

  return {
    async current() {
      refresh();
      return secrets;
    },
    async reread() {
      return refresh() ? secrets : null;
    },
  };
}
