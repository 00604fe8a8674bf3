import { parseSecretList } from '../config/webhook-secret-list.ts';

/** Where the webhook signing secrets (current first, then previous) come from. */
export interface WebhookSecretSource {
  /** The secrets to verify with. Throws when they cannot be read (the caller answers 503). */
  current(): Promise<readonly string[]>;
  /**
   * Called when a signature matched none of the current secrets: re-reads them if allowed now, so a secret
   * rotated a moment ago works at once. Null when a re-read is not allowed (too soon, or nothing to re-read).
   */
  reread(): Promise<readonly string[] | null>;
}

/** A secret that cannot be used as configured; the message never contains the secret. */
export class WebhookSecretError extends Error {
  override name = 'WebhookSecretError';
}

/** Fixed secrets (local mode: from the environment or the generated file). */
export function staticSecretSource(secrets: readonly string[]): WebhookSecretSource {
  return { current: async () => secrets, reread: async () => null };
}

/**
 * Reads the secret string (`current[,previous]`). Deployed this is Powertools Parameters' `SecretsProvider`,
 * whose own cache (`maxAge`) decides when a plain read goes to Secrets Manager; `forceFetch` bypasses it.
 */
export type SecretReader = (options: { readonly forceFetch: boolean }) => Promise<string>;

export interface ReadThroughSecretSourceOptions {
  readonly read: SecretReader;
  /** Re-reads after an unknown signature happen at most this often, so junk traffic cannot hammer the store. */
  readonly rereadIntervalMs?: number;
  readonly now?: () => number;
}

export const DEFAULT_REREAD_INTERVAL_MS = 30_000;

function parse(raw: string): readonly string[] {
  try {
    return parseSecretList(raw);
  } catch (error) {
    throw new WebhookSecretError(`the webhook signing secret is malformed: ${(error as Error).message}`);
  }
}

/**
 * The deployed webhook's secrets, read through the reader's cache; when a signature matches none of them, read
 * once more past the cache (at most every 30 s), so a secret registered or rotated a moment ago works at once
 * (Fivetran's creation probe arrives seconds after registration).
 */
export function readThroughSecretSource(options: ReadThroughSecretSourceOptions): WebhookSecretSource {
  const rereadIntervalMs = options.rereadIntervalMs ?? DEFAULT_REREAD_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let lastRereadAt = Number.NEGATIVE_INFINITY;
  let known: string | null = null;
  return {
    async current() {
      const raw = await options.read({ forceFetch: false });
      known = raw;
      return parse(raw);
    },
    async reread() {
      if (now() - lastRereadAt < rereadIntervalMs) return null;
      lastRereadAt = now();
      const raw = await options.read({ forceFetch: true });
      // Nothing new to try: the caller's answer stands.
      if (raw === known) return null;
      known = raw;
      return parse(raw);
    },
  };
}
