import { afterEach, describe, expect, it } from 'vitest';
import { collectItems, FivetranClient } from '#commons/fivetran/client';
import {
  FivetranApiError,
  NotFoundError,
  RateLimitedError,
  UnreachableError,
} from '#commons/fivetran/errors';
import { backoffDelayMs, retryAfterMs } from '#commons/fivetran/retry-policy';
import { type Harness, startHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.sim.close();
  harness = undefined;
});

describe('FivetranClient: retries', () => {
  it('waits out a 429 for the Retry-After seconds, then succeeds', async () => {
    // Prepare
    harness = await startHarness();
    const { sim, client, sleeps } = harness;
    sim.faults.add({
      endpoint: 'GET /v1/account/info',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 2,
      times: 1,
    });

    // Act
    const info = await client.accountInfo();

    // Assess
    expect(info.account_id).toBe(sim.account.accountId);
    expect(sleeps).toEqual([2_000]);
    expect(client.counter.snapshot().by_status).toEqual({ '200': 1, '429': 1 });
  });

  it('stops with RateLimitedError, without sleeping, when Retry-After exceeds the remaining budget', async () => {
    // Prepare
    harness = await startHarness({}, { remainingMs: () => 60_000 });
    const { sim, client, sleeps } = harness;
    sim.faults.add({ endpoint: 'GET /v1/connections', kind: 'status', status: 429, retryAfterSeconds: 3600 });

    // Act
    const error = await collectItems(client.connectionPages()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(3600);
    expect(sleeps).toEqual([]);
    expect(sim.requests.total).toBe(1);
  });

  it('retries 500/502/503/504 with growing, jittered backoff and then succeeds', async () => {
    // Prepare
    harness = await startHarness();
    const { sim, client, sleeps } = harness;
    for (const status of [500, 502, 503, 504]) {
      sim.faults.add({ endpoint: 'GET /v1/groups', kind: 'status', status, times: 1 });
    }

    // Act
    const groups = await collectItems(client.groupPages());

    // Assess: random() = 0.5 gives half of 1 s, 2 s, 4 s, 8 s.
    expect(groups).toHaveLength(2);
    expect(sleeps).toEqual([500, 1_000, 2_000, 4_000]);
    expect(client.counter.snapshot().by_endpoint['GET /v1/groups']?.by_status).toEqual({
      '500': 1,
      '502': 1,
      '503': 1,
      '504': 1,
      '200': 1,
    });
  });

  it('gives up on a lasting 5xx after the bounded attempts with UnreachableError', async () => {
    // Prepare
    harness = await startHarness({}, { maxAttempts: 3 });
    const { sim, client } = harness;
    sim.faults.add({ kind: 'status', status: 503 });

    // Act
    const error = await client.accountInfo().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as UnreachableError).lastStatus).toBe(503);
    expect((error as UnreachableError).attempts).toBe(3);
    expect(sim.requests.total).toBe(3);
  });

  it('gives up early when the next backoff would not fit the time budget', async () => {
    // Prepare
    harness = await startHarness({}, { remainingMs: () => 100 });
    const { sim, client, sleeps } = harness;
    sim.faults.add({ kind: 'status', status: 502 });

    // Act
    const error = await client.accountInfo().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnreachableError);
    expect(sleeps).toEqual([]);
    expect(sim.requests.total).toBe(1);
  });

  it.each([
    [400, FivetranApiError],
    [404, NotFoundError],
    [409, FivetranApiError],
  ] as const)('does not retry HTTP %i', async (status, type) => {
    // Prepare
    harness = await startHarness();
    const { sim, client, sleeps } = harness;
    sim.faults.add({ kind: 'status', status });

    // Act
    const error = await client.connection('any').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(type);
    expect(sleeps).toEqual([]);
    expect(sim.requests.total).toBe(1);
  });

  it('retries a page whose body was cut off, and a dropped connection', async () => {
    // Prepare
    harness = await startHarness({ connections: 1_500 });
    const { sim, client } = harness;
    sim.faults.add({ endpoint: 'GET /v1/connections', kind: 'truncated', skip: 1, times: 1 });
    sim.faults.add({ endpoint: 'GET /v1/connections', kind: 'disconnect', skip: 1, times: 1 });

    // Act
    const items = await collectItems(client.connectionPages());

    // Assess
    expect(items).toHaveLength(1_500);
    expect(client.counter.snapshot().by_status).toEqual({ '200': 2, error: 2 });
  });

  it('counts a connection refused as unreachable after its attempts', async () => {
    // Prepare: a port that just closed.
    harness = await startHarness();
    const url = harness.sim.url;
    await harness.sim.close();
    harness = undefined;
    const sleeps: number[] = [];
    const client = new FivetranClient({
      baseUrl: url,
      credential: { apiKey: 'k', apiSecret: 's' },
      credentialName: 'X',
      maxAttempts: 2,
      random: () => 0,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

    // Act
    const error = await client.accountInfo().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as UnreachableError).lastStatus).toBeNull();
    expect(client.counter.snapshot()).toMatchObject({ total: 2, by_status: { error: 2 } });
  });

  it('times out a request that does not answer in time', async () => {
    // Prepare
    harness = await startHarness({}, { timeoutMs: 50, maxAttempts: 2 });
    const { sim, client } = harness;
    sim.faults.add({ kind: 'latency', ms: 400 });

    // Act
    const error = await client.accountInfo().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toContain('timed out');
  });

  it('never retries a write', async () => {
    // Prepare
    harness = await startHarness();
    const { sim, client, sleeps } = harness;
    sim.faults.add({ kind: 'status', status: 503 });

    // Act
    const error = await client.deleteWebhook('x').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnreachableError);
    expect(sleeps).toEqual([]);
    expect(sim.requests.total).toBe(1);
  });
});

describe('retry policy', () => {
  it('draws full-jitter delays under a doubling, capped ceiling', () => {
    // Prepare
    const settings = { baseMs: 1_000, capMs: 5_000 };

    // Act
    const highest = [1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, () => 0.999999, settings));
    const lowest = backoffDelayMs(3, () => 0, settings);

    // Assess
    expect(highest).toEqual([999, 1_999, 3_999, 4_999, 4_999]);
    expect(lowest).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    // Prepare
    const now = Date.parse('2026-01-01T00:00:00Z');

    // Act
    const seconds = retryAfterMs('120', now);
    const date = retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now);
    const junk = retryAfterMs('soon', now);

    // Assess
    expect([seconds, date, junk, retryAfterMs(null, now)]).toEqual([120_000, 30_000, null, null]);
  });
});
