import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepControl, SweepStart } from '#commons/sweep/sweep-control';
import { type ReadFixture, startReadFixture } from '../support/http-fixture.ts';

describe('POST /api/sweeps over HTTP', () => {
  let fx: ReadFixture;
  let next: SweepStart | Error = { status: 'started', id: 'sweep_1' };
  let calls = 0;
  const sweeps: SweepControl = {
    start: async () => {
      calls++;
      if (next instanceof Error) throw next;
      return next;
    },
  };

  beforeAll(async () => {
    fx = await startReadFixture({ sweeps });
  });
  afterAll(async () => {
    await fx.close();
  });

  it('answers 202 with the new sweep id', async () => {
    // Prepare
    next = { status: 'started', id: 'sweep_1' };

    // Act
    const answer = await fx.post('/api/sweeps');

    // Assess
    expect(answer).toMatchObject({ status: 202, body: { id: 'sweep_1' } });
    expect(calls).toBe(1);
  });

  it('answers 409 naming the running sweep while one holds the lease', async () => {
    // Prepare
    next = { status: 'busy', id: 'sweep_0' };

    // Act
    const answer = await fx.post('/api/sweeps');

    // Assess
    expect(answer).toMatchObject({
      status: 409,
      body: { id: 'sweep_0', message: expect.stringMatching(/sweep_0 is running/) },
    });
  });

  it('answers 503 when the lease cannot be read', async () => {
    // Prepare
    next = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

    // Act
    const answer = await fx.post('/api/sweeps');

    // Assess
    expect(answer).toMatchObject({ status: 503, body: { message: expect.any(String) } });
  });
});

describe('The router as the local shells use it', () => {
  let fx: ReadFixture;
  let readOnly: ReadFixture;

  beforeAll(async () => {
    fx = await startReadFixture({ apiToken: 'let-me-in' });
    readOnly = await startReadFixture({
      dashboard: false,
      appOptions: { sweepsUnavailable: 'serve is read-only; sweeps run in AWS on their schedule' },
    });
  });
  afterAll(async () => {
    await fx.close();
    await readOnly.close();
  });

  it('serves the dashboard at / with a strict content security policy, without a token', async () => {
    // Act
    const page = await fx.get('/');

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<title>');
    const policy = String(page.headers.get('content-security-policy'));
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('requires the bearer token on /api/* only when one is set', async () => {
    // Act
    const without = await fx.get('/api/summary');
    const wrong = await fx.get('/api/summary', { authorization: 'Bearer nope' });
    const right = await fx.get('/api/summary', { authorization: 'Bearer let-me-in' });
    const open = await readOnly.get('/api/summary');

    // Assess
    expect(without).toMatchObject({ status: 401, body: { message: 'missing or wrong bearer token' } });
    expect(without.headers.get('www-authenticate')).toBe('Bearer');
    expect(wrong.status).toBe(401);
    expect(right.status).toBe(200);
    expect(open.status).toBe(200);
  });

  it('answers 405 with the shell’s message when it cannot start sweeps, and no dashboard when off', async () => {
    // Act
    const start = await readOnly.post('/api/sweeps');
    const page = await readOnly.get('/');

    // Assess
    expect(start).toMatchObject({
      status: 405,
      body: { message: 'serve is read-only; sweeps run in AWS on their schedule' },
    });
    expect(page.status).toBe(404);
  });

  it('answers 405 with Allow for a known path and a wrong method, 404 for an unknown path', async () => {
    // Act
    const wrongMethod = await readOnly.post('/api/connections');
    const sweepsDelete = await fetch(`${readOnly.url}/api/sweeps`, { method: 'DELETE' });
    const unknown = await readOnly.get('/api/nothing');

    // Assess
    expect(wrongMethod).toMatchObject({ status: 405, body: { message: 'POST is not allowed here' } });
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect(sweepsDelete.headers.get('allow')).toBe('GET, POST');
    expect(unknown).toMatchObject({ status: 404, body: { message: 'no route for GET /api/nothing' } });
  });

  it('sends JSON with nosniff and no caching', async () => {
    // Act
    const answer = await readOnly.get('/api/groups');

    // Assess
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});
