import { planRequestBudget, type RequestBudget, requestsInLastHour } from '../fivetran/request-budget.ts';
import type { SweepContext } from './sweep-context.ts';

/**
 * What this sweep's optional requests (schema configs, history backfill) may spend: planned once the listing
 * is done (so the account's `X-Rate-Limit` is known and the listing counted), shared by the phases after it.
 */
export interface OptionalRequests {
  readonly plan: RequestBudget;
  /** Optional requests made so far. */
  used: number;
}

export function remainingOptional(budget: OptionalRequests): number {
  return Math.max(0, budget.plan.optionalRequests - budget.used);
}

/** Requests earlier sweeps made within the last hour, from their records (plus this sweep's so far). */
export async function planOptionalRequests(
  context: SweepContext,
  configuredPerHour: number | null,
): Promise<OptionalRequests> {
  const nowMs = context.now();
  const { items } = await context.repositories.sweeps.list({ limit: 50, cursor: null });
  const earlier = items
    .filter((record) => record.id !== context.id)
    .map((record) => ({ atMs: Date.parse(record.started_at), requests: record.requests.total }));
  const { limit, remaining } = context.client.rateLimit;
  const plan = planRequestBudget({
    configuredPerHour,
    accountLimitPerHour: limit,
    trial: false,
    spentLastHour: requestsInLastHour(earlier, nowMs) + context.client.counter.total,
    rateLimitRemaining: remaining,
  });
  return { plan, used: 0 };
}
