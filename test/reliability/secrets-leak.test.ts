import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo } from '#commons/local-store/local-dynamo';
import { signBody } from '#commons/webhook/signature';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';
import { tempDataDir } from '../local/server-fixture.ts';
import { type ChildServer, startChildServer } from './support/child-server.ts';
import { scanTable } from './support/table-snapshot.ts';

const token = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;
const API_KEY = token('leakkey');
const API_SECRET = token('leaksecret');
const WEBHOOK_CURRENT = token('leakwhcurrent');
const WEBHOOK_PREVIOUS = token('leakwhprevious');
const API_TOKEN = token('leakapitoken');

/** Each secret as it could leak: verbatim, in the Basic header, URL-encoded, hex, base64. */
function leakForms(): Record<string, string> {
  const forms: Record<string, string> = {
    'Basic credential': Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64'),
  };
  for (const [name, value] of Object.entries({
    API_KEY,
    API_SECRET,
    WEBHOOK_CURRENT,
    WEBHOOK_PREVIOUS,
    API_TOKEN,
  })) {
    forms[name] = value;
    forms[`${name} (base64)`] = Buffer.from(value).toString('base64');
    forms[`${name} (hex)`] = Buffer.from(value).toString('hex');
  }
  // The random part alone catches a secret cut or re-encoded around its label.
  for (const value of [API_KEY, API_SECRET, WEBHOOK_CURRENT, WEBHOOK_PREVIOUS, API_TOKEN]) {
    const random = value.split('-')[1] as string;
    forms[`${value.split('-')[0]} (random part)`] = random;
  }
  return forms;
}

function leaksIn(text: string): string[] {
  return Object.entries(leakForms())
    .filter(([, form]) => text.includes(form))
    .map(([name]) => name);
}

describe('secrets never leak: a full local run against the simulator', () => {
  const dir = tempDataDir();
  let sim: Simulator;
  let server: ChildServer;
  const seen: string[] = [];

  async function call(path: string, init: RequestInit & { auth?: boolean } = {}): Promise<Response> {
    const { auth = true, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (auth) headers.set('authorization', `Bearer ${API_TOKEN}`);
    const answer = await fetch(`${server.url}${path}`, { ...rest, headers });
    const body = await answer.clone().text();
    seen.push(
      `${init.method ?? 'GET'} ${path} → ${answer.status}\n${[...answer.headers].join('\n')}\n${body}`,
    );
    return answer;
  }

  async function newestSweep(): Promise<{ id: string; outcome: string; error: string | null }> {
    const page = (await (await call('/api/sweeps')).json()) as {
      items: { id: string; outcome: string; error: string | null }[];
    };
    return page.items[0] as { id: string; outcome: string; error: string | null };
  }

  async function sweepFinished(): Promise<{ id: string; outcome: string; error: string | null }> {
    for (let i = 0; i < 2000; i++) {
      const sweep = await newestSweep().catch(() => null);
      if (sweep && sweep.outcome !== 'running') return sweep;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the sweep never finished');
  }

  beforeAll(async () => {
    // Prepare
    sim = await startSimulator({
      seed: 'leaks',
      groups: 2,
      connections: 25,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
    });
    server = await startChildServer(dir.dir, {
      PORT: '0',
      DATA_DIR: join(dir.dir, 'data'),
      API_TOKEN,
      FIVETRAN_API_URL: sim.url,
      FIVETRAN_API_KEY: API_KEY,
      FIVETRAN_API_SECRET: API_SECRET,
      FIVETRAN_WEBHOOK_SECRET: `${WEBHOOK_CURRENT},${WEBHOOK_PREVIOUS}`,
      SCHEMA_REQUEST_BUDGET: '10',
    });

    // Act: the sweep at start, webhooks of every kind, every read, wrong tokens, then a 401 from Fivetran.
    const first = await sweepFinished();
    expect(first.outcome).not.toBe('failed');
    const connection = [...sim.account.connections.keys()][0] as string;
    const body = `{"event":"sync_end","created":"2026-06-01T10:00:00.000Z","connector_id":"${connection}","sync_id":"leak-sync","data":{"status":"FAILURE","reason":"bad things"}}`;
    const deliver = (payload: string, signature: string | null) =>
      call('/webhooks/fivetran', {
        method: 'POST',
        body: payload,
        auth: false,
        headers: signature ? { 'X-Fivetran-Signature-256': signature } : {},
      });
    expect((await deliver(body, signBody(body, WEBHOOK_CURRENT))).status).toBe(200);
    expect(
      (
        await deliver(
          body.replace('leak-sync', 'leak-sync-2'),
          signBody(body.replace('leak-sync', 'leak-sync-2'), WEBHOOK_PREVIOUS),
        )
      ).status,
    ).toBe(200);
    expect((await deliver(body, signBody(body, 'someone-else'))).status).toBe(401);
    expect((await deliver('not json', signBody('not json', WEBHOOK_CURRENT))).status).toBe(200);
    expect(
      (
        await deliver(
          '{"event":"test_event","created":"2026-06-01T10:00:00.000Z","connector_type":"_connector_type","connector_id":"_connector_1","group_id":"_destination_1"}',
          null,
        )
      ).status,
    ).toBe(200);
    for (const path of [
      '/',
      '/healthz',
      '/api/connections',
      `/api/connections/${connection}`,
      `/api/connections/${connection}/events`,
      '/api/events',
      '/api/groups',
      '/api/summary',
      '/api/sweeps',
      '/api/openapi.json',
      '/api/connections?cursor=garbage',
      '/api/nope',
    ]) {
      expect((await call(path)).status).toBeLessThan(500);
    }
    expect((await call('/api/summary', { auth: false })).status).toBe(401);
    expect(
      (await call('/api/summary', { auth: false, headers: { authorization: `Bearer ${API_TOKEN}x` } }))
        .status,
    ).toBe(401);
    sim.faults.add({ kind: 'status', status: 401, body: 'json' });
    expect((await call('/api/sweeps', { method: 'POST' })).status).toBe(202);
    const rejected = await sweepFinished();
    expect(rejected.outcome).toBe('failed');
    expect(rejected.error).toMatch(/401/);
    sim.faults.clear();
    await call('/api/sweeps');

    // A clean stop, so its log lines are in too.
    server.process.kill('SIGTERM');
    await server.exited;
  }, 120_000);

  afterAll(async () => {
    if (server?.process.exitCode === null) server.process.kill('SIGKILL');
    await sim.close();
    dir.remove();
  });

  it('ran for real: a sweep, webhooks and a rejected key, all in the log', () => {
    // Assess
    expect(server.output.stdout).toMatch(/sweep \S+ (succeeded|partial)/);
    expect(server.output.stdout).toMatch(/rejected the API key|401/);
    expect(server.output.stdout).toContain('stopped cleanly');
  });

  it('printed no secret, token or credential to stdout or stderr', () => {
    // Assess
    expect(leaksIn(server.output.stdout)).toEqual([]);
    expect(leaksIn(server.output.stderr)).toEqual([]);
  });

  it('answered no secret, token or credential in any response body or header', () => {
    // Assess
    expect(seen.length).toBeGreaterThan(20);
    expect(leaksIn(seen.join('\n'))).toEqual([]);
  });

  it('stored no secret, token or credential in the table', async () => {
    // Prepare: the server has stopped; open its data directory.
    const dynamo = await startLocalDynamo({ path: join(dir.dir, 'data', 'dynamodb') });

    // Act
    const items = await scanTable({ client: dynamo.documentClient, tableName: dynamo.tableName });
    await dynamo.close();

    // Assess
    expect(items.size).toBeGreaterThan(25);
    expect(leaksIn(JSON.stringify([...items.values()]))).toEqual([]);
  });
});
