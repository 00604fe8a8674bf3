import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '#commons/config/env';
import { signBody } from '#commons/webhook/signature';
import type { LocalServer } from '../../functions/local/local-server.ts';
import {
  creationProbe,
  dbtRunFailed,
  syncEndFailureWithTask,
  syncEndSalesforce,
  syncEndSuccessful,
  syncStartConnectionNames,
  webhookTestSyncEnd,
} from '../fixtures/webhook-payloads.ts';
import { client, startServer, tempDataDir } from './server-fixture.ts';

const REAL_WORLD = [
  syncEndSuccessful,
  syncEndSalesforce,
  syncEndFailureWithTask,
  dbtRunFailed,
  syncStartConnectionNames,
  webhookTestSyncEnd,
];

/** Streams a chunked body of `total` bytes over a raw socket; stops when the server answers or hangs up. */
function streamOversized(url: string, total: number): Promise<{ response: string; sent: number }> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let response = '';
    let sent = 0;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      socket.destroy();
      resolve({ response, sent });
    };
    socket.on('data', (data) => {
      response += data.toString();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write('POST /webhooks/fivetran HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.alloc(64 * 1024, 120);
    const pump = () => {
      while (!finished && sent < total) {
        socket.write(`${chunk.length.toString(16)}\r\n`);
        const more = socket.write(Buffer.concat([chunk, Buffer.from('\r\n')]));
        sent += chunk.length;
        if (!more) {
          socket.once('drain', pump);
          return;
        }
      }
      if (!finished) socket.end('0\r\n\r\n');
    };
    pump();
  });
}

describe('Local server, end to end over HTTP', () => {
  const data = tempDataDir();
  let server: LocalServer;
  let http: ReturnType<typeof client>;

  beforeAll(async () => {
    server = await startServer(data.dir);
    http = client(server);
  });
  afterAll(async () => {
    await server?.close();
    data.remove();
  });

  it('generates a webhook secret once into DATA_DIR, readable only by its owner', () => {
    // Act
    const onDisk = readFileSync(join(data.dir, 'webhook-secret'), 'utf8').trim();

    // Assess
    expect(server.webhookSecret).toMatchObject({ source: 'file', created: true, current: onDisk });
    expect(onDisk.length).toBeGreaterThanOrEqual(40);
  });

  it('keeps signed real-world deliveries (either hex case), once each', async () => {
    // Act
    const first = await Promise.all(
      REAL_WORLD.map((body, i) => http.deliver(body, { lowerCaseHex: i % 2 === 1 })),
    );
    const again = await Promise.all(REAL_WORLD.map((body) => http.deliver(body)));

    // Assess
    expect(first.map((a) => a.status)).toEqual(REAL_WORLD.map(() => 200));
    expect(first.map((a) => a.body.event)).toEqual(REAL_WORLD.map((body) => JSON.parse(body).event));
    expect(first.every((a) => a.body.duplicate === undefined)).toBe(true);
    expect(again.every((a) => a.status === 200 && a.body.duplicate === true)).toBe(true);
    const events = await http.get('/api/events?limit=100');
    expect((events.body.items as unknown[]).length).toBe(REAL_WORLD.length);
  });

  it('answers the unsigned creation probe 200 and refuses unsigned or wrongly signed bodies with 401', async () => {
    // Act
    const probe = await http.post('/webhooks/fivetran', creationProbe, {
      'content-type': 'application/json',
    });
    const unsigned = await http.post('/webhooks/fivetran', syncEndSuccessful);
    const junk = await http.post('/webhooks/fivetran', 'junk', { 'X-Fivetran-Signature-256': 'not-hex' });
    const wrong = await http.deliver(syncEndSuccessful, { secret: 'someone-else' });

    // Assess
    expect(probe.status).toBe(200);
    expect([unsigned.status, junk.status, wrong.status]).toEqual([401, 401, 401]);
    expect(unsigned.body).toEqual({ message: expect.any(String) });
    expect((await server.repositories.accountStats.get()).probes_answered).toBe(1);
  });

  it('quarantines signed bodies it cannot read, answering 200 with the reason', async () => {
    // Act
    const notJson = await http.deliver('{"event": "sync_end", oops');
    const notObject = await http.deliver('[1,2,3]');
    const noEvent = await http.deliver('{"created":"2026-06-01T00:00:00Z"}');

    // Assess
    expect(notJson).toMatchObject({
      status: 200,
      body: { reason: 'body is not valid JSON', id: expect.any(String) },
    });
    expect(notObject).toMatchObject({ status: 200, body: { reason: 'body is not a JSON object' } });
    expect(noEvent.status).toBe(200);
    expect(noEvent.body.reason).toMatch(/event/);
    expect((await server.repositories.accountStats.get()).events_quarantined).toBe(3);
  });

  it('answers 413 to a declared oversized body without reading it', async () => {
    // Act
    const result = await http.post('/webhooks/fivetran', Buffer.alloc(300 * 1024, 120));

    // Assess
    expect(result.status).toBe(413);
    expect(result.body).toEqual({ message: expect.stringContaining('262144') });
  });

  it('answers 413 to a streamed oversized body as soon as it passes the limit, and stops reading', async () => {
    // Act: offer 32 MiB without a Content-Length.
    const { response, sent } = await streamOversized(server.url, 32 * 1024 * 1024);

    // Assess: the answer came while the client was still sending, and the server hung up.
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(sent).toBeLessThan(32 * 1024 * 1024);
    expect((await http.get('/healthz')).status).toBe(200);
  });

  it('lists connections with filters (health, its alias status, group, service, deleted)', async () => {
    // Act
    const all = await http.get('/api/connections');
    const failing = await http.get('/api/connections?health=failing');
    const failingAlias = await http.get('/api/connections?status=failing');
    const group = await http.get('/api/connections?group_id=inappropriate_implode');
    const service = await http.get('/api/connections?service=salesforce');
    const deleted = await http.get('/api/connections?deleted=true');

    // Assess
    const ids = (answer: { body: Record<string, unknown> }) =>
      (answer.body.items as { id: string }[]).map((c) => c.id);
    expect(ids(all)).toEqual(['assimilate_seem', 'empty_bount', 'mystified_presiding']);
    expect(all.body.next_cursor).toBeNull();
    expect(ids(failing)).toEqual(['empty_bount']);
    expect(ids(failingAlias)).toEqual(['empty_bount']);
    expect(ids(group)).toEqual(['assimilate_seem', 'empty_bount']);
    expect(ids(service)).toEqual(['mystified_presiding']);
    expect(ids(deleted)).toEqual([]);
  });

  it('pages with an opaque cursor bound to its filters', async () => {
    // Act
    const first = await http.get('/api/connections?limit=2');
    const cursor = String(first.body.next_cursor);
    const second = await http.get(`/api/connections?limit=2&cursor=${encodeURIComponent(cursor)}`);
    const otherFilters = await http.get(
      `/api/connections?limit=2&service=postgres&cursor=${encodeURIComponent(cursor)}`,
    );
    const malformed = await http.get('/api/connections?cursor=bm90LWEtY3Vyc29y');

    // Assess
    expect((first.body.items as unknown[]).length).toBe(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    expect((second.body.items as { id: string }[]).map((c) => c.id)).toEqual(['mystified_presiding']);
    expect(second.body.next_cursor).toBeNull();
    expect(otherFilters.status).toBe(400);
    expect(malformed).toMatchObject({ status: 400, body: { message: expect.stringMatching(/cursor/) } });
  });

  it.each([
    ['/api/connections?limit=0'],
    ['/api/connections?limit=1001'],
    ['/api/connections?limit=ten'],
    ['/api/connections?health=broken'],
    ['/api/connections?deleted=maybe'],
    ['/api/connections?health=failing&status=paused'],
  ])('refuses a bad query %s with 400', async (path) => {
    // Act
    const result = await http.get(path);

    // Assess
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ message: expect.any(String) });
  });

  it('shows one connection with its sync runs, and 404 for an unknown one', async () => {
    // Act
    const found = await http.get('/api/connections/empty_bount');
    const missing = await http.get('/api/connections/no_such_connection');
    const dummy = await http.get('/api/connections/_connector_1');

    // Assess
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      id: 'empty_bount',
      service: 'google_sheets',
      health: 'failing',
      last_sync: { status: 'FAILURE_WITH_TASK', source: 'webhook' },
      syncs: [
        {
          sync_id: 'b4hyg080-a5c0-4qa3-a4f3-12eef82wqw9',
          status: 'FAILURE_WITH_TASK',
          task_type: 'reconnect_warehouse',
        },
      ],
    });
    expect(found.body).not.toHaveProperty('facts_as_of');
    expect(found.body).not.toHaveProperty('pk');
    expect(missing).toMatchObject({ status: 404, body: { message: expect.any(String) } });
    expect(dummy.status).toBe(404);
  });

  it('lists a connection’s events newest first, and account-level events under /api/events', async () => {
    // Act
    const events = await http.get('/api/connections/mystified_presiding/events');
    const unknown = await http.get('/api/connections/nobody/events');
    const dbt = await http.get('/api/events?event=dbt_run_failed');

    // Assess
    const items = events.body.items as { event: string; created: string; payload: Record<string, unknown> }[];
    expect(items.map((e) => [e.event, e.created])).toEqual([
      ['sync_start', '2026-05-22T00:01:00.000Z'],
      ['sync_end', '2025-01-15T10:30:00.386Z'],
    ]);
    expect(items[1]?.payload).toEqual(JSON.parse(syncEndSalesforce));
    expect(unknown.status).toBe(404);
    expect((dbt.body.items as { connection_id: unknown }[]).map((e) => e.connection_id)).toEqual([null]);
  });

  it('answers /healthz, 404 for unknown routes and 405 for a wrong method', async () => {
    // Act
    const health = await http.get('/healthz');
    const nowhere = await http.get('/nowhere');
    const wrongMethod = await http.post('/api/connections', '{}');

    // Assess
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(nowhere.status).toBe(404);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('refuses a second server on the same DATA_DIR with a clear message', async () => {
    // Act
    const second = startServer(data.dir);

    // Assess
    await expect(second).rejects.toThrow(ConfigError);
    await expect(startServer(data.dir)).rejects.toThrow(/already in use/);
  });

  it('finds everything again after a restart on the same DATA_DIR, with the same secret', async () => {
    // Prepare
    const secret = server.webhookSecret.current;
    const before = await http.get('/api/connections/empty_bount');

    // Act
    await server.close();
    server = await startServer(data.dir);
    http = client(server);
    const after = await http.get('/api/connections/empty_bount');
    const events = await http.get('/api/events?limit=100');

    // Assess
    expect(server.freshDataDir).toBe(false);
    expect(server.webhookSecret).toMatchObject({ current: secret, created: false });
    expect(after.body).toEqual(before.body);
    expect((events.body.items as unknown[]).length).toBe(REAL_WORLD.length);
    expect((await server.repositories.accountStats.get()).events_quarantined).toBe(3);
    expect((await http.deliver(syncEndSuccessful)).body.duplicate).toBe(true);
  });
});

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
