const MINUTE = 60_000;
const WINDOW_MINUTES = 60;

/**
 * The account's rolling-hour request budget, as Fivetran reports it on every answer (`X-Rate-Limit`,
 * `X-Rate-Limit-Remaining`) and enforces it (429 `TooManyRequests` with `Retry-After`). Counted per minute
 * over the last 60 minutes: bounded memory whatever the request rate.
 */
export class RateMeter {
  readonly #buckets = new Map<number, number>();

  /** Counts one request at `nowMs`; false when the hour's budget was already spent (answer 429). */
  take(limit: number, nowMs: number): boolean {
    const minute = Math.floor(nowMs / MINUTE);
    this.#forgetBefore(minute - WINDOW_MINUTES + 1);
    if (this.used(nowMs) >= limit) return false;
    this.#buckets.set(minute, (this.#buckets.get(minute) ?? 0) + 1);
    return true;
  }

  used(nowMs: number): number {
    const oldest = Math.floor(nowMs / MINUTE) - WINDOW_MINUTES + 1;
    let used = 0;
    for (const [minute, count] of this.#buckets) if (minute >= oldest) used += count;
    return used;
  }

  /** Seconds until the oldest counted minute leaves the window (what `Retry-After` says). */
  retryAfterSeconds(nowMs: number): number {
    const oldest = Math.min(...this.#buckets.keys());
    if (!Number.isFinite(oldest)) return 1;
    const freedAt = (oldest + WINDOW_MINUTES) * MINUTE;
    return Math.max(1, Math.ceil((freedAt - nowMs) / 1_000));
  }

  headers(limit: number, nowMs: number): Record<string, string> {
    return {
      'X-Rate-Limit': String(limit),
      'X-Rate-Limit-Remaining': String(Math.max(0, limit - this.used(nowMs))),
    };
  }

  reset(): void {
    this.#buckets.clear();
  }

  #forgetBefore(minute: number): void {
    for (const key of this.#buckets.keys()) if (key < minute) this.#buckets.delete(key);
  }
}
