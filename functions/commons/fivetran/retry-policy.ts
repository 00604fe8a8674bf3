/** GET answers worth another attempt besides 429: the server-side failures Fivetran documents as transient. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

export interface BackoffSettings {
  /** First delay ceiling; doubles per attempt. */
  readonly baseMs: number;
  /** No delay ceiling grows beyond this. */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { baseMs: 1_000, capMs: 20_000 };

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(cap, base·2^(attempt-1))), so many
 * clients that failed together do not retry together. `attempt` counts from 1 (the attempt that failed).
 */
export function backoffDelayMs(attempt: number, random: () => number, settings = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * `Retry-After` in milliseconds: Fivetran sends whole seconds; an HTTP date is accepted too. Null when the
 * header is absent or unreadable (the caller then falls back to its backoff).
 */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}
