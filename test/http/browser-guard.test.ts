import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '#commons/http/app';
import { browserGuard, isLoopbackName, splitHost } from '#commons/http/browser-guard';
import { putSweep, sweepRecord } from '../support/http-fixture.ts';
import { type StoreFixture, startStoreFixture } from '../support/store-fixture.ts';

const guard = browserGuard({ allowedHosts: ['127.0.0.1', 'tunnel.example.net', 'box:8443'] });
const headers =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name];

describe('Function: browserGuard', () => {
  it.each([
    ['localhost:3000'],
    ['LOCALHOST'],
    ['app.localhost:3000'],
    ['127.0.0.1:3000'],
    ['127.5.6.7'],
    ['[::1]:3000'],
    ['tunnel.example.net'],
    ['tunnel.example.net.'],
    ['box:8443'],
  ])('answers Host %s', (host) => {
    // Act / Assess
    expect(guard('GET', headers({ host }))).toEqual({ ok: true });
  });

  it.each([
    ['attacker.example'],
    ['localhost.attacker.example'],
    ['127.0.0.1.nip.io'],
    ['box:9999'],
    ['0.0.0.0:3000'],
    ['[::]:3000'],
    [''],
    ['127.0.0.1 evil'],
  ])('answers 421 to Host %j', (host) => {
    // Act / Assess
    expect(guard('GET', headers({ host }))).toMatchObject({ ok: false, status: 421 });
  });

  it('answers 421 to any host name that is neither loopback nor allowed', () => {
    fc.assert(
      fc.property(fc.domain(), fc.option(fc.integer({ min: 1, max: 65_535 })), (name, port) => {
        fc.pre(!isLoopbackName(name) && name !== 'tunnel.example.net' && name !== 'box');
        const host = port === null ? name : `${name}:${port}`;
        // Act / Assess
        expect(guard('GET', headers({ host }))).toMatchObject({ ok: false, status: 421 });
      }),
      { numRuns: 300 },
    );
  });

  it('refuses any state change from a foreign origin or a cross-site page, never a read', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH'),
        fc.oneof(
          fc.webUrl().map((url) => new URL(url).origin),
          fc.constant('null'),
          fc.constant('http://127.0.0.1:1'),
        ),
        (method, origin) => {
          fc.pre(origin !== 'http://127.0.0.1:3000');
          const host = '127.0.0.1:3000';
          // Act / Assess
          expect(guard(method, headers({ host, origin }))).toMatchObject({ ok: false, status: 403 });
          expect(guard(method, headers({ host, 'sec-fetch-site': 'cross-site' }))).toMatchObject({
            status: 403,
          });
          expect(guard('GET', headers({ host, origin, 'sec-fetch-site': 'cross-site' }))).toEqual({
            ok: true,
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('lets the page itself and clients without Origin (the CLI, curl) change state', () => {
    // Act / Assess
    expect(guard('POST', headers({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000' }))).toEqual({
      ok: true,
    });
    expect(guard('POST', headers({ host: 'localhost', origin: 'http://localhost:80' }))).toEqual({
      ok: true,
    });
    expect(guard('POST', headers({ host: '127.0.0.1:3000' }))).toEqual({ ok: true });
    expect(guard('POST', headers({ host: '127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }))).toEqual({
      ok: true,
    });
  });

  it('splits Host values into name and port', () => {
    // Act / Assess
    expect(splitHost('[::1]:8080')).toEqual({ name: '::1', port: '8080' });
    expect(splitHost('Example.COM.')).toEqual({ name: 'example.com', port: null });
    expect(splitHost('a b')).toBeNull();
  });
});

describe('the HTTP app with the guard on', () => {
  let fx: StoreFixture;
  beforeEach(async () => {
    fx = await startStoreFixture();
  });
  afterEach(() => fx.close());

  it('guards requests over HTTP, serves in-process calls, and leaves the app without it unguarded', async () => {
    // Prepare
    const guarded = createHttpApp({ repositories: fx.repositories, browserGuard: { allowedHosts: [] } });
    const open = createHttpApp({ repositories: fx.repositories });

    // Act
    const inProcess = await guarded.request('/api/summary');
    const rebound = await guarded.request('http://attacker.example/api/summary', {
      headers: { host: 'attacker.example' },
    });
    const unguarded = await open.request('http://attacker.example/api/summary', {
      headers: { host: 'attacker.example' },
    });

    // Assess
    expect(inProcess.status).toBe(200);
    expect(rebound.status).toBe(421);
    expect(await rebound.json()).toMatchObject({ message: expect.stringMatching(/ALLOWED_HOSTS/) });
    expect(unguarded.status).toBe(200);
  });

  it('answers 429 with Retry-After to a manual start within the cool-down, then starts again', async () => {
    // Prepare
    let now = Date.parse('2026-06-01T12:00:00.000Z');
    let started = 0;
    const app = createHttpApp({
      repositories: fx.repositories,
      now: () => now,
      manualSweepCooldownMs: 30_000,
      sweeps: { start: async () => ({ status: 'started', id: `sweep-${++started}` }) },
    });
    const post = () => app.request('/api/sweeps', { method: 'POST' });

    // Act
    const first = await post();
    now += 10_000;
    const tooSoon = await post();
    now += 20_001;
    const later = await post();

    // Assess
    expect(first.status).toBe(202);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.headers.get('retry-after')).toBe('20');
    expect(later.status).toBe(202);
    expect(started).toBe(2);
  });

  it('answers 409 with the running sweep within the cool-down while that sweep still runs', async () => {
    // Prepare
    let now = Date.parse('2026-06-01T12:00:00.000Z');
    const app = createHttpApp({
      repositories: fx.repositories,
      now: () => now,
      manualSweepCooldownMs: 30_000,
      sweeps: { start: async () => ({ status: 'started', id: 'sweep-1' }) },
    });
    const post = () => app.request('/api/sweeps', { method: 'POST' });
    const first = await post();
    await putSweep(
      fx.repositories.sweeps,
      sweepRecord('sweep-1', '2026-06-01T12:00:00.000Z', { outcome: 'running', finished_at: null }),
    );

    // Act
    now += 5_000;
    const again = await post();

    // Assess
    expect(first.status).toBe(202);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ id: 'sweep-1' });
  });
});
