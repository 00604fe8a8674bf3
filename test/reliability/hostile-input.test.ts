import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '#commons/config/local-config';
import { eventKey, quarantineKey } from '#commons/store/table/keys';
import { signBody } from '#commons/webhook/signature';
import { MAX_WEBHOOK_BODY_BYTES } from '#commons/webhook/webhook-decision';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';
import { tempDataDir } from '../local/server-fixture.ts';
import { recordFigure } from './support/figures.ts';
import { httpSend, rawExchange, slowUpload } from './support/raw-http.ts';

const SECRET = 'hostile-input-webhook-secret-0123456789abcdef0123';
const WEBHOOK = '/webhooks/fivetran';
const LIMIT = MAX_WEBHOOK_BODY_BYTES;

const EVENT_NAMES = ['sync_start', 'sync_end', 'pause_connector', 'edit_connector', 'dbt_run_failed', 'x'];

/** Mostly-valid Fivetran events with hostile field values. */
const eventBody = fc
  .record(
    {
      event: fc.oneof(fc.constantFrom(...EVENT_NAMES), fc.string()),
      created: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.string(),
      ),
      connector_id: fc.oneof(fc.constantFrom('conn_a', 'conn_b', '_connector_1', ''), fc.string()),
      connector_type: fc.string(),
      sync_id: fc.oneof(fc.uuid(), fc.string()),
      destination_group_id: fc.string(),
      data: fc.oneof(
        fc.record({ status: fc.constantFrom('SUCCESSFUL', 'FAILURE', 'RESCHEDULED', 'WEIRD') }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: ['event'] },
  )
  .map((payload) => JSON.stringify(payload));

/** Nesting up to 1,000 deep: past 30 levels a signed body is quarantined (see the 10,000-deep test below). */
const nested = fc
  .tuple(fc.integer({ min: 1, max: 1_000 }), fc.boolean())
  .map(([depth, objects]) =>
    objects
      ? `{"event":"sync_end","connector_id":"deep","data":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`
      : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  );

/** Around the limit: some just under, some just over. */
const sized = fc.integer({ min: LIMIT - 400, max: LIMIT + 400 }).map((size) => {
  const head = '{"event":"edit_connector","connector_id":"big","padding":"';
  return `${head}${'p'.repeat(Math.max(0, size - head.length - 2))}"}`;
});

const body = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 3, arbitrary: fc.json().map((text) => Buffer.from(text)) },
  { weight: 5, arbitrary: eventBody.map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: nested.map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: sized.map((text) => Buffer.from(text)) },
);

type Signing = 'valid' | 'valid-lowercase' | 'none' | 'wrong-secret' | 'garbage' | 'repeated';
const signing = fc.constantFrom<Signing>(
  'valid',
  'valid',
  'valid-lowercase',
  'none',
  'wrong-secret',
  'garbage',
  'repeated',
);
const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'image/png',
);
const headerToken = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const extraHeaders = fc.dictionary(
  headerToken.filter((name) => !['content-length', 'transfer-encoding', 'host', 'connection'].includes(name)),
  fc.stringMatching(/^[ -~]{0,200}$/).map((value) => value.trim()),
  { maxKeys: 4 },
);

function signatureHeaders(kind: Signing, bytes: Buffer): Record<string, string | string[]> {
  const good = signBody(bytes, SECRET);
  switch (kind) {
    case 'valid':
      return { 'x-fivetran-signature-256': good };
    case 'valid-lowercase':
      return { 'X-Fivetran-Signature-256': good.toLowerCase() };
    case 'none':
      return {};
    case 'wrong-secret':
      return { 'x-fivetran-signature-256': signBody(bytes, `${SECRET}-not`) };
    case 'garbage':
      return { 'x-fivetran-signature-256': 'sha256=AAAA, DROP TABLE' };
    case 'repeated':
      return { 'x-fivetran-signature-256': [good, good] };
  }
}

describe('hostile input over the local server HTTP route', () => {
  const data = tempDataDir();
  let server: LocalServer;
  let port: number;
  const logs: string[] = [];

  beforeAll(async () => {
    const config = loadLocalConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: data.dir,
      FIVETRAN_WEBHOOK_SECRET: SECRET,
    });
    server = await startLocalServer(config, { log: (line) => logs.push(line) });
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await server.close();
    data.remove();
  });

  async function storedItem(key: { pk: string; sk: string }) {
    const { Item } = await server.table.client.send(
      new GetCommand({ TableName: server.table.tableName, Key: key, ConsistentRead: true }),
    );
    return Item;
  }

  it('answers any body, signature and headers with 200, 401 or 413, and keeps every signed body it accepts', async () => {
    await fc.assert(
      fc.asyncProperty(body, signing, contentType, extraHeaders, async (bytes, sign, type, extra) => {
        // Prepare
        const headers = {
          ...extra,
          ...(type ? { 'content-type': type } : {}),
          ...signatureHeaders(sign, bytes),
        };

        // Act
        const answer = await httpSend(port, { method: 'POST', path: WEBHOOK, headers, body: bytes });

        // Assess
        const signedWell = sign === 'valid' || sign === 'valid-lowercase';
        if (bytes.byteLength > LIMIT) {
          expect(answer.status).toBe(413);
          return;
        }
        if (!signedWell) {
          expect([200, 401]).toContain(answer.status);
          if (answer.status === 200) expect(JSON.parse(answer.body)).toEqual({ message: expect.any(String) });
          return;
        }
        expect(answer.status).toBe(200);
        const answered = JSON.parse(answer.body) as { id: string; event?: string; reason?: string };
        const item = await storedItem(
          answered.event !== undefined ? eventKey(answered.id) : quarantineKey(answered.id),
        );
        expect(item).toBeDefined();
        if (answered.event !== undefined) expect(item?.body).toBe(bytes.toString());
        else expect(Buffer.from(item?.body_base64 as string, 'base64').equals(bytes)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('never answers a 5xx to any method, path, query or token on any route', async () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE');
    const segment = fc.oneof(
      fc.constantFrom(
        'api',
        'connections',
        'events',
        'groups',
        'summary',
        'sweeps',
        'openapi.json',
        'healthz',
      ),
      fc.constantFrom('..', '%2e%2e', '%', '%E0%A4%A', '%00', '%ZZ', '{id}', '\u00e9'),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    // A target starting with `//` has its own test below.
    const path = fc
      .array(segment, { maxLength: 5 })
      .map((parts) => `/${parts.join('/')}`)
      .filter((target) => !target.startsWith('//'));
    const query = fc.dictionary(
      fc.constantFrom('limit', 'cursor', 'health', 'status', 'deleted', 'group_id', 'service', 'event'),
      fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('-1', '0', '1001', '1e3', 'NaN', 'true', 'any')),
      { maxKeys: 3 },
    );
    await fc.assert(
      fc.asyncProperty(
        method,
        path,
        query,
        fc.option(fc.string({ maxLength: 40 })),
        async (verb, where, params, token) => {
          // Prepare
          const search = new URLSearchParams(params).toString();

          // Act
          const answer = await httpSend(port, {
            method: verb,
            path: `${where}${search ? `?${search}` : ''}`,
            headers: token ? { authorization: `Bearer ${token.replace(/[^ -~]/g, '')}` } : {},
            body: verb === 'GET' || verb === 'HEAD' ? undefined : 'x',
          });

          // Assess
          expect(answer.status).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers a request target of `//` with a 4xx, not a 500', async () => {
    // Act
    const answer = await rawExchange(port, 'GET // HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');

    // Assess
    expect(answer.status).toBeLessThan(500);
  });

  it('refuses malformed HTTP, header injection, smuggling shapes and oversized headers with a 4xx, and keeps serving', async () => {
    // Prepare
    const body = '{"event":"sync_end","connector_id":"raw_conn","data":{"status":"SUCCESSFUL"}}';
    const good = signBody(body, SECRET);
    const requests = [
      // A second signature smuggled in through a line break inside a header value.
      `POST ${WEBHOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\rX-Fivetran-Signature-256: ${good}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      `POST ${WEBHOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\nX-Fivetran-Signature-256: ${good}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      // Two signature lines: ambiguous, so refused.
      `POST ${WEBHOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fivetran-Signature-256: ${good}\r\nX-Fivetran-Signature-256: ${'0'.repeat(64)}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      // Conflicting framing (request smuggling shape).
      `POST ${WEBHOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      `POST ${WEBHOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde`,
      `POST ${WEBHOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n`,
      `POST ${WEBHOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999999999\r\n\r\n`,
      // 64 KiB of headers (Node's limit is 16 KiB).
      `POST ${WEBHOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(64 * 1024)}\r\nContent-Length: 2\r\n\r\n{}`,
      // A thousand small headers (10 KB in all: within Node's size limit, so served; Node's parser has been
      // seen to answer 431 to it under load, which is as good: refused cleanly, never a 5xx).
      `GET /api/summary HTTP/1.1\r\nHost: 127.0.0.1\r\n${Array.from({ length: 1000 }, (_, i) => `X-H${i}: v\r\n`).join('')}\r\n`,
      'NOT-HTTP\r\n\r\n',
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      `POST ${WEBHOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nab\r\n0\r\n\r\n`,
    ];

    // Act
    const answers = [];
    for (const request of requests) answers.push(await rawExchange(port, request));
    const health = await fetch(`${server.url}/healthz`);

    // Assess
    for (const [i, answer] of answers.entries()) {
      const expected = i === 8 ? [200, 431] : [400, 401, 413, 431];
      expect({ request: i, status: answer.status }).toEqual({
        request: i,
        status: expect.toBeOneOf(expected),
      });
    }
    expect(health.status).toBe(200);
    expect(await storedItem({ pk: 'CONN#raw_conn', sk: 'CONNECTION' })).toBeUndefined();
  });

  it.each([
    ['chunked (no length declared)', false],
    ['with a truthful Content-Length over the limit', true],
  ])(
    'answers 413 to a slow oversized body %s before the body is sent, and stops reading',
    async (_name, declaredLength) => {
      // Act: 8 MiB offered in 16 KiB pieces, a tick apart; the upload stops when the answer starts.
      const upload = await slowUpload(port, {
        path: WEBHOOK,
        totalBytes: 8 * 1024 * 1024,
        chunkBytes: 16 * 1024,
        declaredLength,
        headers: { 'X-Fivetran-Signature-256': '0'.repeat(64) },
      });

      // Assess
      recordFigure('slow oversized upload', {
        declaredLength,
        bodyBytesWrittenBeforeAnswer: upload.bodyBytesWritten,
        status: upload.answer.status,
      });
      expect(upload.answer.status).toBe(413);
      expect(upload.finished).toBe(false);
      // What the socket took is the limit plus what the kernel buffers; far from the 8 MiB offered.
      expect(upload.bodyBytesWritten).toBeLessThan(4 * 1024 * 1024);
      if (declaredLength) expect(upload.bodyBytesWritten).toBeLessThan(LIMIT);
    },
  );

  it('keeps memory bounded while 16 clients push 64 MiB bodies at once', async () => {
    // Prepare
    const before = process.memoryUsage().rss;

    // Act
    const uploads = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        slowUpload(port, {
          path: WEBHOOK,
          totalBytes: 64 * 1024 * 1024,
          chunkBytes: 64 * 1024,
          declaredLength: i % 2 === 0,
          pauseMs: 0,
        }),
      ),
    );
    const after = process.memoryUsage().rss;

    // Assess: 1 GiB offered; neither the server nor the sockets buffered it. A client still busy writing
    // may see the connection reset (the server drops it 50 ms after its 413) before it reads the 413.
    for (const upload of uploads) expect(upload.answer.status).toBeOneOf([413, null]);
    expect(uploads.every((upload) => !upload.finished)).toBe(true);
    const offered = uploads.reduce((sum, upload) => sum + upload.bodyBytesWritten, 0);
    recordFigure('oversized uploads', {
      clients: uploads.length,
      offeredBytesEach: 64 * 1024 * 1024,
      acceptedBytesTotal: offered,
      rssGrowthBytes: after - before,
      statuses: uploads.map((upload) => upload.answer.status),
    });
    expect(offered).toBeLessThan(16 * 8 * 1024 * 1024);
    expect(after - before).toBeLessThan(128 * 1024 * 1024);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('quarantines a signed body of exactly the limit, and answers 413 one byte over', async () => {
    // Prepare
    const exact = Buffer.alloc(LIMIT, 0x7b);
    const over = Buffer.alloc(LIMIT + 1, 0x7b);

    // Act
    const atLimit = await httpSend(port, {
      method: 'POST',
      path: WEBHOOK,
      headers: { 'x-fivetran-signature-256': signBody(exact, SECRET) },
      body: exact,
    });
    const overLimit = await httpSend(port, {
      method: 'POST',
      path: WEBHOOK,
      headers: { 'x-fivetran-signature-256': signBody(over, SECRET) },
      body: over,
    });

    // Assess
    expect(atLimit.status).toBe(200);
    const { id } = JSON.parse(atLimit.body) as { id: string };
    expect((await storedItem(quarantineKey(id)))?.size).toBe(LIMIT);
    expect(overLimit.status).toBe(413);
  });

  it('quarantines a signed event whose data is nested 10,000 deep (200, never 503)', async () => {
    // Prepare
    const depth = 10_000;
    const text = `{"event":"sync_end","connector_id":"deep","data":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;

    // Act
    const answer = await httpSend(port, {
      method: 'POST',
      path: WEBHOOK,
      headers: { 'x-fivetran-signature-256': signBody(text, SECRET) },
      body: text,
    });

    // Assess
    expect(answer.status).toBe(200);
  });

  it('keeps a signed sync_end whose failure reason is 250 KB (under the body limit)', async () => {
    // Prepare
    const text = JSON.stringify({
      event: 'sync_end',
      created: '2026-05-22T00:06:08.638Z',
      connector_type: 'postgres',
      connector_id: 'long_reason',
      sync_id: 'long-reason-sync',
      destination_group_id: 'group_a',
      data: { status: 'FAILURE', reason: 'r'.repeat(250_000) },
    });

    // Act
    const answer = await httpSend(port, {
      method: 'POST',
      path: WEBHOOK,
      headers: { 'x-fivetran-signature-256': signBody(text, SECRET) },
      body: text,
    });

    // Assess
    expect(Buffer.byteLength(text)).toBeLessThan(LIMIT);
    expect(answer.status).toBe(200);
  });

  it('logged no body, signature or secret while it was attacked', () => {
    // Assess
    const output = logs.join('\n');
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain('sync_end');
  });
});
