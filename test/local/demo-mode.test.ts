import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '#commons/config/local-config';
import { banner } from '../../functions/local/banner.ts';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Listed {
  items: { id: string; health: string; last_sync: { source: string; status: string } | null }[];
}

describe('demo mode: npm start without a Fivetran credential', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-demo-'));
  const config = loadLocalConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
  const lines: string[] = [];
  let server: LocalServer;
  const get = async <T>(path: string) => (await (await fetch(`${server.url}${path}`)).json()) as T;

  beforeAll(async () => {
    server = await startLocalServer(config, {
      sweeps: true,
      demo: { syncEveryMs: 150 },
      log: (line) => lines.push(line),
    });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says plainly that the account is simulated, and how to use a real one', () => {
    // Act
    const text = banner(config, server, new Date());

    // Assess
    expect(server.mode).toBe('demo');
    expect(text).toMatch(/DEMO: a simulated Fivetran account with simulated data/);
    expect(text).toMatch(/set FIVETRAN_API_KEY and FIVETRAN_API_SECRET/);
    expect(text).toContain(server.demo?.apiUrl);
  });

  it('sweeps the simulated account into the store and keeps it moving with signed webhooks', async () => {
    // Act: the first sweep lists the account; then simulated syncs arrive as signed webhooks.
    const listed = await until('the first sweep', async () => {
      const page = await get<Listed>('/api/connections?limit=1000');
      return page.items.length === 40 ? page : null;
    });
    const moved = await until('a webhook-driven sync', async () => {
      const page = await get<Listed>('/api/connections?limit=1000');
      return page.items.find((c) => c.last_sync?.source === 'webhook') ?? null;
    });
    await server.sweeps?.idle();
    const events = await get<{ items: { event: string }[] }>('/api/events?limit=5');
    const summary = await get<{ mode: string; last_sweep: { outcome: string; webhook_active: boolean } }>(
      '/api/summary',
    );

    // Assess
    expect(new Set(listed.items.map((c) => c.health)).size).toBeGreaterThan(2);
    expect(moved.last_sync?.status).toMatch(/^(SUCCESSFUL|FAILURE|FAILURE_WITH_TASK|RESCHEDULED|SYNCING)$/);
    expect(events.items.map((e) => e.event)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^sync_/)]),
    );
    expect(summary.mode).toBe('demo');
    expect(summary.last_sweep).toMatchObject({ outcome: 'succeeded', webhook_active: true });
    expect(lines.some((line) => line.includes('webhook: 401'))).toBe(false);
  });

  it('registered the local webhook URL at the simulator, which probed it first', async () => {
    // Act
    const registered = await server.repositories.webhookRegistration.get();
    const probes = server.demo?.sim.deliveries.log.filter((d) => d.event === 'test_event') ?? [];

    // Assess
    expect(registered).toMatchObject({ url: server.webhookUrl, webhook_id: server.demo?.webhookId });
    expect(probes[0]).toMatchObject({ status: 200, signature: null });
  });

  it('starts a sweep on POST /api/sweeps, and answers 409 with its id to another while it runs', async () => {
    // Prepare: a slower API, so the sweep is still running when the second request comes.
    await server.sweeps?.idle();
    const sim = server.demo?.sim;
    if (sim) sim.knobs.latencyMs = 100;

    // Act
    const first = await fetch(`${server.url}/api/sweeps`, { method: 'POST' });
    const firstBody = (await first.json()) as { id: string };
    const second = await fetch(`${server.url}/api/sweeps`, { method: 'POST' });
    const secondBody = (await second.json()) as { id: string };
    await server.sweeps?.idle();
    if (sim) sim.knobs.latencyMs = 0;
    const sweeps = await get<{ items: { id: string; outcome: string }[] }>('/api/sweeps');

    // Assess
    expect(first.status).toBe(202);
    // Within the cool-down, while the first still runs: the contract's 409, naming it (the CLI follows it).
    expect(second.status).toBe(409);
    expect(secondBody.id).toBe(firstBody.id);
    expect(sweeps.items[0]).toMatchObject({ id: firstBody.id, outcome: 'succeeded' });
  });

  it('closes cleanly: sweeps stopped, simulator and port closed', async () => {
    // Act
    await server.close();
    const after = await fetch(`${server.url}/healthz`).then(
      () => 'answered',
      () => 'refused',
    );

    // Assess
    expect(after).toBe('refused');
    expect(lines.filter((line) => / failed to run| could not /.test(line))).toEqual([]);
  });
});
