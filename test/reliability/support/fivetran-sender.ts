/**
 * Delivers like Fivetran does: a fixed number of deliveries in flight, and every answer that is not a 2xx
 * (or no answer at all) puts the delivery back in the queue to be tried again later. A delivery counts as
 * acknowledged only on a 2xx.
 */

/** One attempt: the HTTP status, or throws when there was no answer (connection refused, reset, …). */
export type DeliverOnce = (body: string, attempt: number) => Promise<number>;

export interface SendReport {
  readonly deliveries: number;
  readonly attempts: number;
  /** Answers by status; `error` counts attempts with no answer. */
  readonly byStatus: Record<string, number>;
  /** Deliveries still not acknowledged after `maxAttempts` (must be 0). */
  readonly gaveUp: readonly string[];
  /** Milliseconds from sending to the answer, one per attempt. */
  readonly latenciesMs: readonly number[];
  readonly seconds: number;
}

export interface SendOptions {
  readonly concurrency: number;
  /** Attempts per delivery before giving up (Fivetran keeps retrying for a day; tests need a bound). */
  readonly maxAttempts?: number;
  /** Pause before a retried attempt (default none: the retry simply goes to the back of the queue). */
  readonly retryDelayMs?: number;
  /** Told about every 2xx (index of the delivery in the input). */
  readonly onAcknowledged?: (index: number, body: string) => void;
  /** Stop taking new deliveries when this returns true (in-flight ones finish). */
  readonly stopWhen?: () => boolean;
}

export async function sendLikeFivetran(
  bodies: readonly string[],
  deliver: DeliverOnce,
  options: SendOptions,
): Promise<SendReport & { readonly unsent: readonly number[] }> {
  const maxAttempts = options.maxAttempts ?? 50;
  const queue: { index: number; attempt: number }[] = bodies.map((_, index) => ({ index, attempt: 1 }));
  const byStatus: Record<string, number> = {};
  const latenciesMs: number[] = [];
  const gaveUp: string[] = [];
  let attempts = 0;
  let inFlight = 0;
  const started = performance.now();

  async function worker(): Promise<void> {
    for (;;) {
      if (options.stopWhen?.()) return;
      const next = queue.shift();
      if (next === undefined) {
        // Others may still put retries back; wait for them before quitting.
        if (inFlight === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const body = bodies[next.index] as string;
      inFlight++;
      attempts++;
      const t0 = performance.now();
      let status: number | 'error';
      try {
        status = await deliver(body, next.attempt);
      } catch {
        status = 'error';
      }
      latenciesMs.push(performance.now() - t0);
      inFlight--;
      byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
      if (typeof status === 'number' && status >= 200 && status < 300) {
        options.onAcknowledged?.(next.index, body);
      } else if (next.attempt >= maxAttempts) {
        gaveUp.push(body);
      } else {
        if (options.retryDelayMs) await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs));
        queue.push({ index: next.index, attempt: next.attempt + 1 });
      }
    }
  }

  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return {
    deliveries: bodies.length,
    attempts,
    byStatus,
    gaveUp,
    latenciesMs,
    seconds: (performance.now() - started) / 1000,
    unsent: queue.map((item) => item.index),
  };
}
