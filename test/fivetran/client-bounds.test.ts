import { afterEach, describe, expect, it } from 'vitest';
import {
  collectItems,
  DEFAULT_MAX_PAGES,
  FivetranClient,
  type FivetranClientOptions,
} from '#commons/fivetran/client';
import {
  RateBudgetExhaustedError,
  RateLimitedError,
  ResponseTooLargeError,
  TooManyPagesError,
  UnreachableError,
} from '#commons/fivetran/errors';
import { DEFAULT_MAX_RESPONSE_BYTES } from '#commons/fivetran/transport';
import { type HostileServer, startHostileServer, streamBody } from './hostile-server.ts';

const MB = 1024 * 1024;
let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function clientFor(url: string, options: Partial<FivetranClientOptions> = {}): FivetranClient {
  return new FivetranClient({
    baseUrl: url,
    credential: { apiKey: 'k', apiSecret: 's' },
    credentialName: 'FIVETRAN_API_KEY/FIVETRAN_API_SECRET',
    sleep: async () => {},
    random: () => 0.5,
    ...options,
  });
}

/** Peak RSS growth (MiB) while `work` runs, sampled every 5 ms. */
async function peakRssGrowthMb(work: () => Promise<unknown>): Promise<{ growth: number; result: unknown }> {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    const result = await work().catch((e: unknown) => e);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { growth: (peak - before) / MB, result };
  } finally {
    clearInterval(sampler);
  }
}

describe('FivetranClient: bounds on what Fivetran (or anything posing as it) can send', () => {
  it('stops reading a 700 MB answer at the 32 MiB cap, without buffering the rest', async () => {
    // Prepare: chunked, no Content-Length, so the cap must hold while streaming.
    server = await startHostileServer((_, response, count) => streamBody(response, 700 * MB, count));
    const client = clientFor(server.url);

    // Act
    const started = Date.now();
    const { growth, result } = await peakRssGrowthMb(() => collectItems(client.groupPages()));
    const elapsedMs = Date.now() - started;

    // Assess
    expect(result).toBeInstanceOf(ResponseTooLargeError);
    expect((result as ResponseTooLargeError).limitBytes).toBe(DEFAULT_MAX_RESPONSE_BYTES);
    expect(server.requests()).toBe(1);
    // The server stops once the client has gone: far less than 700 MB ever left it.
    expect(server.bytesWritten()).toBeLessThan(120 * MB);
    expect(growth).toBeLessThan(150);
    console.info(
      `700 MB answer: refused after ${(server.bytesWritten() / MB).toFixed(0)} MiB sent, ` +
        `peak RSS +${growth.toFixed(0)} MiB, ${elapsedMs} ms`,
    );
  });

  it('refuses an answer whose Content-Length is over the cap before reading its body', async () => {
    // Prepare
    server = await startHostileServer((_, response, count) =>
      streamBody(response, 700 * MB, count, 200, true),
    );
    const client = clientFor(server.url);

    // Act
    const error = await client.accountInfo().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as Error).message).toContain(`Content-Length ${700 * MB}`);
    expect(server.bytesWritten()).toBeLessThan(64 * MB);
  });

  it('reads only the start of a huge error body', async () => {
    // Prepare
    server = await startHostileServer((_, response, count) => streamBody(response, 700 * MB, count, 503));
    const client = clientFor(server.url, { maxAttempts: 2 });

    // Act
    const error = await client.accountInfo().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as UnreachableError).lastStatus).toBe(503);
    expect(server.requests()).toBe(2);
    expect(server.bytesWritten()).toBeLessThan(100 * MB);
  });

  it('honours a smaller configured cap', async () => {
    // Prepare
    server = await startHostileServer((_, response, count) => streamBody(response, 2 * MB, count));
    const client = clientFor(server.url, { maxResponseBytes: MB });

    // Act
    const error = await client.accountInfo().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).limitBytes).toBe(MB);
  });

  it(`stops a listing whose cursor never ends after ${DEFAULT_MAX_PAGES} pages`, async () => {
    // Prepare: every page hands out a new cursor.
    server = await startHostileServer((request, response) => {
      const cursor = new URL(request.url ?? '/', 'http://x').searchParams.get('cursor') ?? '0';
      const body = {
        code: 'Success',
        data: { items: [{ id: `g${cursor}` }], next_cursor: String(Number(cursor) + 1) },
      };
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    const client = clientFor(server.url);

    // Act
    let pages = 0;
    const error = await (async () => {
      for await (const _ of client.groupPages()) pages++;
    })().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(TooManyPagesError);
    expect(pages).toBe(DEFAULT_MAX_PAGES);
    expect(server.requests()).toBe(DEFAULT_MAX_PAGES);
  });

  it('flags a full page that comes without a cursor, and ends the listing there', async () => {
    // Prepare
    server = await startHostileServer((_, response) => {
      const items = Array.from({ length: 1000 }, (_, i) => ({ id: `g${i}` }));
      response
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ code: 'Success', data: { items } }));
    });
    const client = clientFor(server.url);

    // Act
    const pages = [];
    for await (const page of client.groupPages()) pages.push(page);

    // Assess
    expect(pages).toHaveLength(1);
    expect(pages[0]?.items).toHaveLength(1000);
    expect(pages[0]?.warning).toBe('full_page_without_cursor');
  });

  it('stops before a request when X-Rate-Limit-Remaining reaches the reserve, with a typed signal', async () => {
    // Prepare: a trial account (500/h) whose remaining count falls 12, 11, 10; the reserve is 10.
    let remaining = 13;
    server = await startHostileServer((_, response) => {
      remaining--;
      response
        .writeHead(200, {
          'Content-Type': 'application/json',
          'X-Rate-Limit': '500',
          'X-Rate-Limit-Remaining': String(remaining),
        })
        .end('{"code":"Success","data":{"account_id":"a"}}');
    });
    let nowMs = Date.parse('2026-11-03T08:00:00Z');
    const client = clientFor(server.url, { now: () => nowMs });

    // Act
    const answered: number[] = [];
    let stop: unknown = null;
    for (let i = 0; i < 5 && stop === null; i++) {
      await client.accountInfo().then(
        () => answered.push(i),
        (e: unknown) => {
          stop = e;
        },
      );
    }
    // Five minutes later the count is stale: one request may look again.
    nowMs += 5 * 60_000 + 1;
    const afterwards = await client.accountInfo().then(() => 'answered');

    // Assess
    expect(answered).toHaveLength(3);
    expect(stop).toBeInstanceOf(RateBudgetExhaustedError);
    expect(stop).toBeInstanceOf(RateLimitedError);
    expect(stop).toMatchObject({ remaining: 10, reserve: 10 });
    expect(client.rateLimit).toMatchObject({ limit: 500 });
    expect(server.requests()).toBe(4);
    expect(afterwards).toBe('answered');
  });

  it('lets a configured reserve of 0 turn the stop off', async () => {
    // Prepare
    server = await startHostileServer((_, response) => {
      response
        .writeHead(200, { 'Content-Type': 'application/json', 'X-Rate-Limit-Remaining': '0' })
        .end('{"code":"Success","data":{"account_id":"a"}}');
    });
    const client = clientFor(server.url, { rateLimitReserve: 0 });

    // Act
    await client.accountInfo();
    const second = await client.accountInfo();

    // Assess
    expect(second.account_id).toBe('a');
    expect(client.rateLimitRemaining).toBe(0);
  });
});
