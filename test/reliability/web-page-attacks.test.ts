import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '#commons/config/local-config';
import { SERVER_LIMITS } from '#commons/http/node-server';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';
import { tempDataDir } from '../local/server-fixture.ts';
import { recordFigure } from './support/figures.ts';
import { httpSend } from './support/raw-http.ts';

const SECRET = 'web-page-attacks-webhook-secret-0123456789';

describe('a web page against the local server (DNS rebinding, cross-site requests)', () => {
  const data = tempDataDir();
  let server: LocalServer;
  let port: number;

  beforeAll(async () => {
    const config = loadLocalConfig({
      PORT: '0',
      DATA_DIR: data.dir,
      FIVETRAN_WEBHOOK_SECRET: SECRET,
      ALLOWED_HOSTS: 'tunnel.example.net, lan-box:8443',
    });
    server = await startLocalServer(config, {
      log: () => {},
      sweeps: true,
      demo: { groups: 1, connections: 3, syncEveryMs: 0 },
    });
    port = Number(new URL(server.url).port);
    await server.sweeps?.idle();
  });
  afterAll(async () => {
    await server.close();
    data.remove();
  });

  const get = (path: string, host: string) => httpSend(port, { method: 'GET', path, headers: { host } });

  it('answers 421 to a Host that is not this server, and serves loopback names and ALLOWED_HOSTS', async () => {
    // Act
    const statuses = {
      rebound: (await get('/api/summary', `attacker.example:${port}`)).status,
      reboundPage: (await get('/', 'attacker.example')).status,
      reboundConnections: (await get('/api/connections', 'rebind.attacker.example')).status,
      lookalike: (await get('/api/summary', 'localhost.attacker.example')).status,
      allowedPortWrong: (await get('/api/summary', 'lan-box:9999')).status,
      loopbackIp: (await get('/api/summary', `127.0.0.1:${port}`)).status,
      localhost: (await get('/api/summary', `localhost:${port}`)).status,
      ipv6: (await get('/api/summary', `[::1]:${port}`)).status,
      allowed: (await get('/api/summary', 'tunnel.example.net')).status,
      allowedPort: (await get('/api/summary', 'lan-box:8443')).status,
    };

    // Assess
    expect(statuses).toEqual({
      rebound: 421,
      reboundPage: 421,
      reboundConnections: 421,
      lookalike: 421,
      allowedPortWrong: 421,
      loopbackIp: 200,
      localhost: 200,
      ipv6: 200,
      allowed: 200,
      allowedPort: 200,
    });
  });

  it('refuses a cross-site POST /api/sweeps (form or no-cors fetch), while curl and the page itself may start one', async () => {
    // Prepare
    const host = `127.0.0.1:${port}`;
    const post = (headers: Record<string, string>) =>
      httpSend(port, { method: 'POST', path: '/api/sweeps', headers: { host, ...headers }, body: '' });

    // Act
    const refused = {
      form: (
        await post({
          origin: 'https://attacker.example',
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'cross-site',
          'sec-fetch-mode': 'navigate',
        })
      ).status,
      noCors: (await post({ origin: 'https://attacker.example', 'sec-fetch-mode': 'no-cors' })).status,
      crossSiteOnly: (await post({ 'sec-fetch-site': 'cross-site' })).status,
      nullOrigin: (await post({ origin: 'null' })).status,
      otherLocalPort: (await post({ origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' })).status,
      webhookFromPage: (
        await httpSend(port, {
          method: 'POST',
          path: '/webhooks/fivetran',
          headers: { host, origin: 'https://attacker.example' },
          body: '{}',
        })
      ).status,
    };
    const ownPage = await post({ origin: `http://${host}`, 'sec-fetch-site': 'same-origin' });
    await server.sweeps?.idle();
    const curl = await post({});

    // Assess
    expect(refused).toEqual({
      form: 403,
      noCors: 403,
      crossSiteOnly: 403,
      nullOrigin: 403,
      otherLocalPort: 403,
      webhookFromPage: 403,
    });
    expect(ownPage.status).toBe(202);
    // Curl (no Origin) is not a page, but the manual cool-down holds: 429 with Retry-After.
    expect(curl.status).toBe(429);
    expect(JSON.parse(curl.body).message).toMatch(/try again in \d+ s/);
  });

  it('sends Retry-After with the cool-down, and starts again once it passed', async () => {
    // Act
    const answer = await fetch(`${server.url}/api/sweeps`, { method: 'POST' });

    // Assess
    expect(answer.status).toBe(429);
    const seconds = Number(answer.headers.get('retry-after'));
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(30);
  });
});

/** The attacker in its own process, so the server's RSS is what is measured here. */
const SLOW_CLIENTS = `
const { connect } = require('node:net');
const [port, count, bodyBytes] = process.argv.slice(1).map(Number);
let open = 0, closed = 0, accepted = 0;
const piece = Buffer.alloc(64 * 1024, 0x61);
for (let i = 0; i < count; i++) {
  const socket = connect(port, '127.0.0.1', () => {
    open++;
    socket.write('POST /webhooks/fivetran HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Length: 262144\\r\\n\\r\\n');
    let sent = 0;
    const send = () => {
      if (sent >= bodyBytes || socket.destroyed) return;
      socket.write(piece.subarray(0, Math.min(piece.length, bodyBytes - sent)));
      sent += piece.length;
      setTimeout(send, 200);
    };
    send();
  });
  socket.on('data', () => accepted++);
  socket.on('error', () => {});
  socket.on('close', () => { closed++; });
}
setInterval(() => process.stdout.write(JSON.stringify({ open, closed, answered: accepted }) + '\\n'), 500);
`;

describe('2,000 slow bodies against the local server', () => {
  const data = tempDataDir();
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer(
      loadLocalConfig({ PORT: '0', DATA_DIR: data.dir, FIVETRAN_WEBHOOK_SECRET: SECRET }),
      { log: () => {} },
    );
  });
  afterAll(async () => {
    await server.close();
    data.remove();
  });

  it('holds at most maxConnections of them, drops them at requestTimeout, and stays healthy', async () => {
    // Prepare: each client sends its headers, then 250 KiB of a declared 256 KiB, then stalls forever.
    const port = new URL(server.url).port;
    global.gc?.();
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const child = spawn(process.execPath, ['-e', SLOW_CLIENTS, port, '2000', String(250 * 1024)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let last = { open: 0, closed: 0, answered: 0 };
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().trim().split('\n');
      last = JSON.parse(lines.at(-1) as string);
    });
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);

    try {
      // Act: watch until every slow client was dropped (the request timeout plus node's check interval).
      const deadline = started + SERVER_LIMITS.requestTimeoutMs + 10_000;
      while (Date.now() < deadline && !(last.open >= 2000 && last.closed >= 2000)) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const droppedAfterMs = Date.now() - started;
      const after = process.memoryUsage().rss;

      // Assess
      recordFigure('slow bodies', {
        clients: 2000,
        bodyBytesEach: 250 * 1024,
        rssBeforeMiB: Math.round(before / 2 ** 20),
        rssPeakGrowthMiB: Math.round((peak - before) / 2 ** 20),
        rssAfterGrowthMiB: Math.round((after - before) / 2 ** 20),
        droppedAfterMs,
      });
      console.log(
        `2,000 slow bodies: RSS ${Math.round(before / 2 ** 20)} MiB before, peak +${Math.round((peak - before) / 2 ** 20)} MiB, ` +
          `+${Math.round((after - before) / 2 ** 20)} MiB after; all dropped after ${droppedAfterMs} ms`,
      );
      expect(last.closed).toBe(2000);
      expect(peak - before).toBeLessThan(128 * 2 ** 20);
      expect(droppedAfterMs).toBeLessThan(SERVER_LIMITS.requestTimeoutMs + 10_000);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      clearInterval(sampler);
      child.kill();
    }
  }, 60_000);
});
