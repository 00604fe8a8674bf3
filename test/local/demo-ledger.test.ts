import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '#commons/config/local-config';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';

const ONE_MINUTE = 60_000;

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Run {
  sync_id: string;
  source: string;
  status: string;
}

describe('demo mode shows the run ledger within a minute of `npm start`', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-ledger-'));
  // As `npm start` runs it: the default demo account and its default pace.
  const config = loadLocalConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
  let server: LocalServer;
  let startedMs = 0;
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field.
  const get = async (path: string): Promise<any> => (await fetch(`${server.url}${path}`)).json();

  beforeAll(async () => {
    startedMs = Date.now();
    server = await startLocalServer(config, { sweeps: true, demo: {}, log: () => {} });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('backfills history on the first sweep, shows 7-day stats and a late connection, all over HTTP', async () => {
    // Act: wait (at most a minute from start) for the first sweep to finish.
    const sweep = await until(
      'the first sweep',
      async () => {
        const { items } = await get('/api/sweeps');
        const done = items.find((record: { outcome: string }) => record.outcome !== 'running');
        return done ?? null;
      },
      ONE_MINUTE,
    );
    const list = await get('/api/connections?limit=1000');
    const ledgers: { id: string; runs: Run[] }[] = await Promise.all(
      list.items.map(async (c: { id: string }) => ({
        id: c.id,
        runs: (await get(`/api/connections/${c.id}/syncs?limit=1000`)).items as Run[],
      })),
    );
    const withHistory = ledgers.find((ledger) => ledger.runs.some((run) => run.source === 'history'));
    const detail = withHistory ? await get(`/api/connections/${withHistory.id}`) : null;
    const summary = await get('/api/summary');
    const delayed = await get('/api/connections?health=delayed&limit=1000');
    const elapsedMs = Date.now() - startedMs;

    // Assess
    expect(sweep.outcome).toBe('succeeded');
    expect(sweep.history.runs_written).toBeGreaterThan(0);
    expect(sweep.history.note).toBeNull();
    expect(withHistory).toBeDefined();
    expect(detail.sync_stats.runs).toBeGreaterThan(0);
    expect(detail.sync_stats.duration_p50_s).toBeGreaterThan(0);
    expect(summary.sync_stats).toMatchObject({ runs: expect.any(Number), success_rate: expect.any(Number) });
    expect(summary.sync_stats.runs).toBeGreaterThan(0);
    expect(summary.sync_stats.slowest.length).toBeGreaterThan(0);
    const late = delayed.items.filter(
      (c: { health_reason: { code: string } }) => c.health_reason?.code === 'late',
    );
    expect(late.length).toBeGreaterThan(0);
    expect(late[0].freshness.late_by_minutes).toBeGreaterThan(0);
    expect(elapsedMs).toBeLessThan(ONE_MINUTE);
  }, 90_000);
});
