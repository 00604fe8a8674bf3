import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REQUESTS_PER_HOUR,
  listingRequestEstimate,
  planRequestBudget,
  requestsInLastHour,
} from '#commons/fivetran/request-budget';

const base = { configuredPerHour: null, accountLimitPerHour: null, trial: false, spentLastHour: 0 };

describe('the hourly request budget', () => {
  it('defaults to 5 % of the paid plan: 1,000 requests an hour, all optional when nothing was spent', () => {
    // Act
    const budget = planRequestBudget(base);

    // Assess
    expect(DEFAULT_REQUESTS_PER_HOUR).toBe(1_000);
    expect(budget).toEqual({
      perHour: 1_000,
      basis: 'default',
      accountLimitPerHour: null,
      optionalRequests: 1_000,
      limitedBy: null,
    });
  });

  it('takes 10 % of 500 on a trial account, and 10 % of what X-Rate-Limit says when that is less', () => {
    // Act
    const trial = planRequestBudget({ ...base, trial: true });
    const header = planRequestBudget({ ...base, accountLimitPerHour: 500 });
    const paid = planRequestBudget({ ...base, accountLimitPerHour: 20_000 });

    // Assess
    expect([trial.perHour, trial.basis, trial.accountLimitPerHour]).toEqual([50, 'trial', 500]);
    expect([header.perHour, header.basis]).toEqual([50, 'account_limit']);
    expect([paid.perHour, paid.basis]).toEqual([1_000, 'default']);
  });

  it('honours FIVETRAN_REQUESTS_PER_HOUR, but never above 10 % of the account’s known limit', () => {
    // Act
    const lower = planRequestBudget({ ...base, configuredPerHour: 300 });
    const higher = planRequestBudget({ ...base, configuredPerHour: 5_000, accountLimitPerHour: 20_000 });
    const unknownLimit = planRequestBudget({ ...base, configuredPerHour: 5_000 });
    const nonsense = planRequestBudget({ ...base, configuredPerHour: -4 });

    // Assess
    expect([lower.perHour, lower.basis]).toEqual([300, 'configured']);
    expect([higher.perHour, higher.basis]).toEqual([2_000, 'account_limit']);
    expect([unknownLimit.perHour, unknownLimit.basis]).toEqual([5_000, 'configured']);
    expect([nonsense.perHour, nonsense.basis]).toEqual([1_000, 'default']);
  });

  it('leaves for optional requests what the last hour and this listing have not spent, never below 0', () => {
    // Act
    const some = planRequestBudget({ ...base, spentLastHour: 700, listingRequests: 11 });
    const none = planRequestBudget({ ...base, trial: true, spentLastHour: 49, listingRequests: 2 });

    // Assess
    expect([some.optionalRequests, some.limitedBy]).toEqual([289, 'hourly_budget']);
    expect([none.optionalRequests, none.limitedBy]).toEqual([0, 'hourly_budget']);
  });

  it('never lets optional requests eat the last of X-Rate-Limit-Remaining', () => {
    // Act
    const budget = planRequestBudget({
      ...base,
      rateLimitRemaining: 130,
      listingRequests: 11,
      remainingReserve: 100,
    });

    // Assess
    expect([budget.optionalRequests, budget.limitedBy]).toEqual([19, 'rate_limit_remaining']);
  });

  it('estimates the listing: 1,000 connections a page, groups and destinations a page each per 1,000', () => {
    // Assess
    expect(listingRequestEstimate(0)).toBe(3);
    expect(listingRequestEstimate(1_000, 4)).toBe(3);
    expect(listingRequestEstimate(10_000, 40)).toBe(12);
  });

  it('counts what was spent within the rolling hour only', () => {
    // Prepare
    const now = Date.parse('2026-11-03T12:00:00Z');
    const records = [
      { atMs: now - 61 * 60_000, requests: 500 },
      { atMs: now - 59 * 60_000, requests: 40 },
      { atMs: now - 1_000, requests: 12 },
      { atMs: now + 60_000, requests: 999 },
    ];

    // Act
    const spent = requestsInLastHour(records, now);

    // Assess
    expect(spent).toBe(52);
  });
});
