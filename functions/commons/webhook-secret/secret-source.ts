import { parseSecretList } from '../webhook/signature.ts';

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

export interface CachedSecretSourceOptions {
  /** Reads the secret string (`current[,previous]`) from its store, bypassing any other cache. */
  readonly fetchSecret: () => Promise<string>;
  /** How long a read is trusted. */
  readonly maxAgeMs?: number;
  /** Re-reads after an unknown signature happen at most this often, so junk traffic cannot hammer the store. */
  readonly rereadIntervalMs?: number;
  readonly now?: () => number;
}

export const DEFAULT_SECRET_MAX_AGE_MS = 5 * 60_000;
export const DEFAULT_REREAD_INTERVAL_MS = 30_000;

/**
 * The deployed webhook's secrets: cached for a few minutes, re-read early (at most every 30 s) when a
 * signature matches none of them. Concurrent reads share one fetch.
 */
export function cachedSecretSource(options: CachedSecretSourceOptions): WebhookSecretSource {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_SECRET_MAX_AGE_MS;
  const rereadIntervalMs = options.rereadIntervalMs ?? DEFAULT_REREAD_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let cached: { secrets: readonly string[]; fetchedAt: number } | null = null;
  let lastRereadAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<readonly string[]> | null = null;

  async function load(): Promise<readonly string[]> {
    const raw = await options.fetchSecret();
    let secrets: string[];
    try {
      secrets = parseSecretList(raw);
    } catch (error) {
      throw new WebhookSecretError(`the webhook signing secret is malformed: ${(error as Error).message}`);
    }
    cached = { secrets, fetchedAt: now() };
    return secrets;
  }

  function fetchOnce(): Promise<readonly string[]> {
    inFlight ??= load().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  return {
    async current() {
      if (cached !== null && now() - cached.fetchedAt < maxAgeMs) return cached.secrets;
      return fetchOnce();
    },
    async reread() {
      if (now() - lastRereadAt < rereadIntervalMs) return null;
      lastRereadAt = now();
      const before = cached?.secrets;
      const secrets = await fetchOnce();
      // Nothing new to try: the caller's answer stands.
      return before !== undefined && before.join(',') === secrets.join(',') ? null : secrets;
    },
  };
}
