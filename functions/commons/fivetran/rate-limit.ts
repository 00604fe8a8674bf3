/** What Fivetran last said about the account's hourly request budget (`X-Rate-Limit`, `X-Rate-Limit-Remaining`). */
export interface RateLimitState {
  /** The account's requests per rolling hour, or null when never reported. */
  readonly limit: number | null;
  /** Requests left in the rolling hour at `observedAtMs`, or null when never reported. */
  readonly remaining: number | null;
  readonly observedAtMs: number | null;
}

export const NO_RATE_LIMIT_SEEN: RateLimitState = { limit: null, remaining: null, observedAtMs: null };

/** A remaining count older than this no longer blocks a request: the rolling hour has moved on since. */
export const RATE_LIMIT_STALE_MS = 5 * 60_000;

function headerCount(headers: Headers, name: string): number | null {
  const value = headers.get(name)?.trim();
  if (!value || !/^\d{1,9}$/.test(value)) return null;
  return Number(value);
}

/** The state after an answer: each header replaces what was known only when it is present and readable. */
export function observeRateLimit(state: RateLimitState, headers: Headers, nowMs: number): RateLimitState {
  const limit = headerCount(headers, 'x-rate-limit');
  const remaining = headerCount(headers, 'x-rate-limit-remaining');
  if (limit === null && remaining === null) return state;
  return {
    limit: limit ?? state.limit,
    remaining: remaining ?? state.remaining,
    observedAtMs: remaining === null ? state.observedAtMs : nowMs,
  };
}

/**
 * Requests left for the account's other tools (Airflow sensors, Terraform, dbt): 2 % of the account's limit
 * when known (400 of 20,000, 10 of 500), never fewer than 10.
 */
export function defaultRateLimitReserve(limit: number | null): number {
  return Math.max(10, Math.floor((limit ?? 0) * 0.02));
}

/** Whether the client must stop before its next request: the last fresh `remaining` is at or below the reserve. */
export function budgetExhausted(state: RateLimitState, reserve: number, nowMs: number): boolean {
  if (state.remaining === null || state.observedAtMs === null) return false;
  if (nowMs - state.observedAtMs > RATE_LIMIT_STALE_MS) return false;
  return state.remaining <= reserve;
}

/**
 * The hourly limit a 429 message states (`Max 20000 api calls allowed in one-hour rolling time period`), so an
 * account without rate-limit headers still shows its plan (500 on trial); null when the message says none.
 */
export function limitFromRateLimitMessage(message: string | null | undefined): number | null {
  const match = /\bmax\s+(\d{1,9})\s+api\s+calls\b/i.exec(message ?? '');
  return match ? Number(match[1]) : null;
}
