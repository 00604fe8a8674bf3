/**
 * The hourly Fivetran request budget a sweep keeps to (issue 12, "rate-aware sweeps"). Fivetran allows
 * 20,000 requests an hour on paid plans and 500 on trial, shared with every other tool on the account
 * (Airflow sensors, Terraform, dbt Cloud). The product takes a small share: by default 5 % of the paid
 * limit (1,000 an hour), and never more than 10 % of what the account is known to allow (50 an hour on a
 * trial). The connection listing always runs (it is the picture); the budget is what the optional requests
 * (schema configs, sync-history backfill, transformations) may spend. Pure: the caller says what it knows.
 */

export const PAID_PLAN_REQUESTS_PER_HOUR = 20_000;
export const TRIAL_REQUESTS_PER_HOUR = 500;
/** 5 % of the paid plan's 20,000: the default when nothing is configured. */
export const DEFAULT_REQUESTS_PER_HOUR = 1_000;
/** The largest share of the account's own limit the product takes, whatever is configured. */
export const MAX_ACCOUNT_SHARE = 0.1;

export interface RequestBudgetInput {
  /** `FIVETRAN_REQUESTS_PER_HOUR` when set (a positive integer), else null for the default. */
  readonly configuredPerHour: number | null;
  /** The `X-Rate-Limit` value last seen (or stated by a 429 message), null when Fivetran never said. */
  readonly accountLimitPerHour: number | null;
  /** The account looks like a trial (e.g. its 429 said "Max 500 api calls"): 500 an hour. */
  readonly trial: boolean;
  /** Requests this product already made in the last rolling hour (earlier sweeps, CLI, this sweep so far). */
  readonly spentLastHour: number;
  /** Requests this sweep's listing is expected to take (they come first and are never refused). */
  readonly listingRequests?: number;
  /** `X-Rate-Limit-Remaining` when fresh; optional requests never eat into the last of it. */
  readonly rateLimitRemaining?: number | null;
  /** Kept back from `rateLimitRemaining` for the account's other tools (the client's stop threshold). */
  readonly remainingReserve?: number;
}

export type BudgetBasis = 'configured' | 'default' | 'account_limit' | 'trial';

export interface RequestBudget {
  /** Requests per hour the product allows itself. */
  readonly perHour: number;
  /** Why `perHour` is what it is: what was configured, the default, or 10 % of the account's limit. */
  readonly basis: BudgetBasis;
  /** The account's limit as far as known (header, else trial's 500), null when unknown. */
  readonly accountLimitPerHour: number | null;
  /** Optional requests (schemas, history backfill) this sweep may make. */
  readonly optionalRequests: number;
  /** What limited `optionalRequests` (for the sweep record). */
  readonly limitedBy: 'hourly_budget' | 'rate_limit_remaining' | null;
}

function positive(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : null;
}

/** How many optional requests this sweep may make; see the module comment for the rules. */
export function planRequestBudget(input: RequestBudgetInput): RequestBudget {
  const configured = positive(input.configuredPerHour);
  const accountLimit = positive(input.accountLimitPerHour) ?? (input.trial ? TRIAL_REQUESTS_PER_HOUR : null);
  let perHour = configured ?? DEFAULT_REQUESTS_PER_HOUR;
  let basis: BudgetBasis = configured === null ? 'default' : 'configured';
  if (accountLimit !== null) {
    const share = Math.max(1, Math.floor(accountLimit * MAX_ACCOUNT_SHARE));
    if (share < perHour) {
      perHour = share;
      basis = positive(input.accountLimitPerHour) === null ? 'trial' : 'account_limit';
    }
  }
  const spent = Math.max(0, Math.floor(input.spentLastHour)) + Math.max(0, input.listingRequests ?? 0);
  let optional = Math.max(0, perHour - spent);
  let limitedBy: RequestBudget['limitedBy'] = optional < perHour ? 'hourly_budget' : null;
  const remaining = input.rateLimitRemaining;
  if (typeof remaining === 'number' && Number.isFinite(remaining)) {
    const left = Math.max(
      0,
      Math.floor(remaining) - Math.max(0, input.listingRequests ?? 0) - (input.remainingReserve ?? 0),
    );
    if (left < optional) {
      optional = left;
      limitedBy = 'rate_limit_remaining';
    }
  }
  return { perHour, basis, accountLimitPerHour: accountLimit, optionalRequests: optional, limitedBy };
}

/** Listing requests for `connections` at 1,000 a page (at least one page), plus groups and destinations. */
export function listingRequestEstimate(connections: number, groups = 0): number {
  const pages = (n: number) => Math.max(1, Math.ceil(n / 1_000));
  return pages(connections) + pages(groups) * 2;
}

export interface SpentRecord {
  /** When the requests were made (a sweep's start, or any instant within it), epoch ms. */
  readonly atMs: number;
  readonly requests: number;
}

/** Requests made within the rolling hour before `nowMs`, from what earlier runs recorded. */
export function requestsInLastHour(records: Iterable<SpentRecord>, nowMs: number): number {
  let total = 0;
  for (const record of records) {
    if (record.atMs > nowMs - 60 * 60_000 && record.atMs <= nowMs) total += Math.max(0, record.requests);
  }
  return total;
}
