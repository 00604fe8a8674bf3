import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '#commons/webhook/signature';
import type { LocalServer } from '../../functions/local/local-server.ts';
import { syncEndSalesforce, syncEndSuccessful } from '../fixtures/webhook-payloads.ts';
import { client, startServer, tempDataDir } from './server-fixture.ts';

/** The local server's edges: the bearer token on /api/*, and a shutdown that keeps every acknowledged event. */
describe('Local server with API_TOKEN', () => {
  const data = tempDataDir();
  let server: LocalServer;

  beforeAll(async () => {
    server = await startServer(data.dir, {
      API_TOKEN: 'token-123',
      FIVETRAN_WEBHOOK_SECRET: 'env-secret-0123456789abcdef0123-456789',
    });
  });
  afterAll(async () => {
    await server?.close();
    data.remove();
  });

  it('requires the bearer token on /api/* only', async () => {
    // Prepare
    const anonymous = client(server);
    const wrong = client(server, 'token-124');
    const right = client(server, 'token-123');

    // Act
    const delivered = await anonymous.deliver(syncEndSuccessful);
    const results = {
      none: await anonymous.get('/api/connections'),
      wrong: await wrong.get('/api/connections'),
      right: await right.get('/api/connections'),
      detail: await right.get('/api/connections/assimilate_seem'),
      healthz: await anonymous.get('/healthz'),
    };

    // Assess
    expect(server.webhookSecret).toMatchObject({
      source: 'environment',
      current: 'env-secret-0123456789abcdef0123-456789',
      path: null,
    });
    expect(delivered.status).toBe(200);
    expect(results.none.status).toBe(401);
    expect(results.none.headers.get('www-authenticate')).toBe('Bearer');
    expect(results.wrong.status).toBe(401);
    expect(results.right.status).toBe(200);
    expect(results.detail.status).toBe(200);
    expect(results.healthz.status).toBe(200);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition never became true');
}

describe('Local server shutdown', () => {
  // Whatever a test leaves behind (a failed assertion included) is closed and removed.
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const track = (server: LocalServer) => {
    cleanups.push(() => server.close());
    return server;
  };
  const trackedDir = () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    return data;
  };

  it('finishes a request already in flight before closing, and accepts no new ones', async () => {
    // Prepare: a delivery whose body is only half sent.
    const data = trackedDir();
    let server = track(await startServer(data.dir));
    const body = syncEndSalesforce;
    const signature = signBody(body, server.webhookSecret.current);
    const { port } = new URL(server.url);
    let closing = false;
    const pending = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/webhooks/fivetran',
          headers: { 'X-Fivetran-Signature-256': signature, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', reject);
      request.write(body.slice(0, 100));
      void until(() => closing).then(() => request.end(body.slice(100)));
    });
    await until(() => server.inFlight() === 1);

    // Act
    const closed = server.close();
    closing = true;
    const answer = await pending;
    await closed;
    const refused = await fetch(`${server.url}/healthz`).then(
      () => 'answered',
      () => 'refused',
    );
    server = track(await startServer(data.dir));
    const stored = await client(server).get('/api/connections/mystified_presiding/events');

    // Assess
    expect(answer.status).toBe(200);
    expect(refused).toBe('refused');
    expect((stored.body.items as { id: string }[]).map((e) => e.id)).toEqual([JSON.parse(answer.body).id]);
  });

  it('loses no acknowledged event when closed in the middle of a burst', async () => {
    // Prepare
    const data = trackedDir();
    let server = track(await startServer(data.dir));
    const http = client(server);
    const bodies = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({
        event: 'sync_end',
        created: new Date(Date.UTC(2026, 5, 1, 0, i)).toISOString(),
        connector_id: `conn_${i % 6}`,
        connector_type: 'postgres',
        sync_id: `sync-${i}`,
        data: { status: 'SUCCESSFUL' },
      }),
    );
    let answered = 0;

    // Act: deliver everything at once; close once the first few have been answered.
    const deliveries = bodies.map((body) =>
      http
        .deliver(body)
        .catch(() => ({ status: 0, body: {} as Record<string, unknown> }))
        .finally(() => answered++),
    );
    await until(() => answered >= 5);
    await server.close();
    const answers = await Promise.all(deliveries);
    server = track(await startServer(data.dir));
    const stored = new Set(
      ((await client(server).get('/api/events?limit=1000')).body.items as { id: string }[]).map((e) => e.id),
    );

    // Assess: every 200 is on disk; everything else was refused (503) or never connected.
    const acknowledged = answers.filter((a) => a.status === 200);
    expect(acknowledged.length).toBeGreaterThanOrEqual(5);
    for (const answer of acknowledged) expect(stored.has(String(answer.body.id))).toBe(true);
    expect(answers.every((a) => [0, 200, 503].includes(a.status))).toBe(true);
  });
});
