import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '#commons/config/local-config';
import { runCli } from '../../functions/cli/main.ts';
import { banner } from '../../functions/local/banner.ts';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';

function io(env: Record<string, string>) {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      env,
      stdout: (text: string) => {
        out.stdout += text;
      },
      stderr: (text: string) => {
        out.stderr += text;
      },
      sleep: async () => {},
    },
  };
}

describe('fivetran-metadata sweep', () => {
  let sim: Simulator;
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-cli-sweep-'));
    dirs.push(dir);
    return dir;
  };
  const account = () => ({
    FIVETRAN_API_URL: sim.url,
    FIVETRAN_API_KEY: sim.credential.apiKey,
    FIVETRAN_API_SECRET: sim.credential.apiSecret,
  });

  beforeAll(async () => {
    sim = await startSimulator({ seed: 31, groups: 2, connections: 15 });
  });
  afterAll(async () => {
    await sim.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('sweeps into DATA_DIR when no local server runs, with phase lines and a summary', async () => {
    // Prepare: PORT 1 answers nothing, so there is no local server to go through.
    const env = { ...account(), DATA_DIR: tempDir(), PORT: '1', SCHEMA_REQUEST_BUDGET: '4' };
    const first = io(env);
    const second = io(env);

    // Act
    const firstCode = await runCli(['sweep'], first.io);
    const secondCode = await runCli(['sweep', '--json'], second.io);

    // Assess
    expect(firstCode).toBe(0);
    expect(first.out.stdout).toMatch(/^groups: 2 listed$/m);
    expect(first.out.stdout).toMatch(/^connections: 15 listed, 15 written$/m);
    expect(first.out.stdout).toMatch(/outcome +partial/);
    expect(first.out.stdout).toMatch(/connections seen +15/);
    expect(secondCode).toBe(0);
    expect(JSON.parse(second.out.stdout)).toMatchObject({
      outcome: 'partial',
      // 4 schema summaries, and the destination tables of those with a schema: one item each, plus the set
      // (seed 31: 20 items; full-sweep.test.ts checks the count item by item).
      items_written: 24,
      schema_fetches: 4,
    });
  });

  it('exits 2 and says which credential to update when Fivetran rejects the key', async () => {
    // Prepare
    const run = io({ ...account(), FIVETRAN_API_SECRET: 'zz-bad-secret-9', DATA_DIR: tempDir(), PORT: '1' });

    // Act
    const code = await runCli(['sweep'], run.io);

    // Assess
    expect(code).toBe(2);
    expect(run.out.stdout).toMatch(/outcome +failed/);
    expect(run.out.stdout).toMatch(/Update FIVETRAN_API_KEY\/FIVETRAN_API_SECRET/);
    expect(run.out.stdout + run.out.stderr).not.toContain('zz-bad-secret-9');
  });

  it('exits 1 with one line when there is no credential and no local server', async () => {
    // Prepare
    const run = io({ DATA_DIR: tempDir(), PORT: '1' });

    // Act
    const code = await runCli(['sweep'], run.io);

    // Assess
    expect(code).toBe(1);
    expect(run.out.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.out.stderr).toMatch(/no Fivetran credential/);
  });

  describe('while a local server runs on PORT', () => {
    let server: LocalServer;
    let config: ReturnType<typeof loadLocalConfig>;

    beforeAll(async () => {
      config = loadLocalConfig({ ...account(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir() });
      server = await startLocalServer(config, { sweeps: true, log: () => {} });
      await server.sweeps?.idle();
    });
    afterAll(() => server.close());

    it('says it sweeps the real account, and that webhooks need a public HTTPS URL', () => {
      // Act
      const text = banner(config, server, new Date());

      // Assess
      expect(server.mode).toBe('live');
      expect(text).toContain(`your Fivetran account at ${sim.url}`);
      expect(text).toMatch(/webhooks only to a public HTTPS URL/);
      expect(text).not.toMatch(/DEMO/);
    });

    it('goes through its POST /api/sweeps and waits for the record', async () => {
      // Prepare
      const port = new URL(server.url).port;
      const run = io({ ...account(), DATA_DIR: server.dataDir, PORT: port, HOST: '127.0.0.1' });

      // Act
      const code = await runCli(['sweep'], run.io);
      const { items } = (await (await fetch(`${server.url}/api/sweeps`)).json()) as {
        items: { id: string }[];
      };

      // Assess
      expect(code).toBe(0);
      expect(run.out.stdout).toMatch(/sweep (\S+) started by the local server/);
      const id = /sweep (\S+) started/.exec(run.out.stdout)?.[1];
      expect(items[0]?.id).toBe(id);
      expect(run.out.stdout).toMatch(/outcome +succeeded/);
    });
  });
});
