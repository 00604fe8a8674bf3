import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '#commons/config/env';
import { loadLocalConfig } from '#commons/config/local-config';
import { unknownConnection } from '#commons/connection/connection';
import { SIGNATURE_HEADER, signBody } from '#commons/webhook/signature';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';
import { tempDataDir } from '../local/server-fixture.ts';
import { recordFigure } from './support/figures.ts';

const SECRET = 'disk-faults-webhook-secret-0123456789abcdef';

/**
 * A full disk without filling one: LevelDB's own write entry points (classic-level's `_put`, `_batch`,
 * `_del`) fail as LevelDB does on ENOSPC while `full` is set. Reads keep working, as on a real full disk.
 */
const { ClassicLevel } = createRequire(import.meta.url)('classic-level') as {
  ClassicLevel: { prototype: Record<string, (...args: unknown[]) => Promise<unknown>> };
};
const disk = { full: false, failedWrites: 0 };
for (const method of ['_put', '_batch', '_del']) {
  const original = ClassicLevel.prototype[method] as (...args: unknown[]) => Promise<unknown>;
  ClassicLevel.prototype[method] = function (this: unknown, ...args: unknown[]) {
    if (disk.full) {
      disk.failedWrites++;
      return Promise.reject(
        Object.assign(new Error('IO error: 000005.log: No space left on device'), { code: 'LEVEL_IO_ERROR' }),
      );
    }
    return original.apply(this, args);
  };
}

const config = (dataDir: string) =>
  loadLocalConfig({ PORT: '0', DATA_DIR: dataDir, FIVETRAN_WEBHOOK_SECRET: SECRET });

function syncEnd(n: number): string {
  return JSON.stringify({
    event: 'sync_end',
    created: new Date(Date.parse('2026-06-01T12:00:00.000Z') + n * 1000).toISOString(),
    connector_id: `disk_conn_${n % 5}`,
    connector_type: 'postgres',
    sync_id: `disk_sync_${n}`,
    data: { status: 'SUCCESSFUL' },
  });
}

describe('the local store on a disk that fills up, and on a damaged DATA_DIR', () => {
  const data = tempDataDir();
  let server: LocalServer | null = null;

  beforeEach(() => {
    mkdirSync(data.dir, { recursive: true });
  });
  afterEach(async () => {
    disk.full = false;
    await server?.close();
    server = null;
    data.remove();
  });

  const deliver = (body: string) =>
    fetch(`${(server as LocalServer).webhookUrl}`, {
      method: 'POST',
      body,
      headers: { [SIGNATURE_HEADER]: signBody(body, SECRET) },
    }).then((answer) => answer.status);

  it('answers 503 (and /healthz 503) while writes fail with ENOSPC, never crashes, and recovers when space returns', async () => {
    // Prepare
    server = await startLocalServer(config(data.dir), { log: () => {} });
    expect(await deliver(syncEnd(0))).toBe(200);

    // Act: the disk fills up, 20 deliveries come, /healthz is asked; then space returns.
    disk.full = true;
    const whileFull: number[] = [];
    for (let n = 1; n <= 20; n++) whileFull.push(await deliver(syncEnd(n)));
    const healthFull = await fetch(`${server.url}/healthz`);
    const healthFullBody = (await healthFull.json()) as { message: string };
    const readWhileFull = await fetch(`${server.url}/api/connections`);
    disk.full = false;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const healthAfter = (await fetch(`${server.url}/healthz`)).status;
    const afterwards: number[] = [];
    for (let n = 1; n <= 20; n++) afterwards.push(await deliver(syncEnd(n)));

    // Assess
    recordFigure('disk full', { deliveriesWhileFull: 20, failedLevelWrites: disk.failedWrites });
    expect(new Set(whileFull)).toEqual(new Set([503]));
    expect(healthFull.status).toBe(503);
    expect(healthFullBody.message).toMatch(/No space left on device/);
    expect(readWhileFull.status).toBe(200);
    expect(healthAfter).toBe(200);
    expect(new Set(afterwards)).toEqual(new Set([200]));
    const events = await server.repositories.events.list({}, { limit: 100, cursor: null });
    expect(events.items).toHaveLength(21);
  });

  it('refuses a store whose log was truncated since its last clean close, in one line, and opens it when told to', async () => {
    // Prepare: 40 connections, a clean stop, then a quarter of the log cut off.
    server = await startLocalServer(config(data.dir), { log: () => {} });
    for (let i = 0; i < 40; i++) {
      await server.writer.save(`trunc_${i}`, () =>
        unknownConnection(`trunc_${i}`, '2026-06-01T12:00:00.000Z'),
      );
    }
    await server.close();
    server = null;
    const store = join(data.dir, 'dynamodb');
    const log = readdirSync(store).find((name) => name.endsWith('.log')) as string;
    truncateSync(join(store, log), Math.floor(statSync(join(store, log)).size * 0.75));

    // Act
    const refused = await startLocalServer(config(data.dir), { log: () => {} }).catch(
      (error: unknown) => error,
    );
    rmSync(join(data.dir, 'dynamodb.store-files.json'));
    server = await startLocalServer(config(data.dir), { log: () => {} });
    const left = (await server.repositories.connections.readAll()).size;

    // Assess
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(new RegExp(`${log} is [\\d,]+ bytes, was [\\d,]+`));
    expect((refused as Error).message).toMatch(/truncated or damaged/);
    expect((refused as Error).message).not.toContain('\n');
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(40);
  });

  it('refuses a corrupted store in one line', async () => {
    // Prepare
    server = await startLocalServer(config(data.dir), { log: () => {} });
    await server.close();
    server = null;
    writeFileSync(join(data.dir, 'dynamodb', 'CURRENT'), 'MANIFEST-999999\n');

    // Act
    const refused = await startLocalServer(config(data.dir), { log: () => {} }).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(/cannot be opened .*looks damaged/);
  });

  it('refuses a DATA_DIR that is a file in one line', async () => {
    // Prepare
    const file = join(data.dir, 'not-a-dir');
    writeFileSync(file, 'x');

    // Act
    const refused = await startLocalServer(config(file), { log: () => {} }).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toMatch(/is not writable \(E\w+: it \(or a parent\) is a file/);
  });
});

const ROOT = resolve(import.meta.dirname, '../..');
const TSX_LOADER = pathToFileURL(resolve(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const NOBODY = 65534;
/**
 * Root ignores file modes, so the server runs as `nobody`, for whom the directory is read-only. That needs
 * `nobody` to be able to run this Node (not so for one under root's home, as `npx -p node@24` installs it).
 */
const nobodyRunsNode =
  process.getuid?.() === 0 &&
  spawnSync(process.execPath, ['-e', ''], { uid: NOBODY, gid: NOBODY, cwd: '/' }).status === 0;

describe('npm start on a read-only DATA_DIR', () => {
  const data = tempDataDir();
  afterEach(() => {
    chmodSync(data.dir, 0o755);
    data.remove();
  });

  it.skipIf(!nobodyRunsNode)(
    'says so in one line and exits 1 (no stack trace)',
    async () => {
      // Prepare
      chmodSync(data.dir, 0o555);
      const child = spawn(
        process.execPath,
        ['--import', TSX_LOADER, resolve(ROOT, 'functions/local/main.ts')],
        {
          cwd: data.dir,
          uid: NOBODY,
          gid: NOBODY,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: data.dir,
            PORT: '0',
            DATA_DIR: data.dir,
            FIVETRAN_WEBHOOK_SECRET: SECRET,
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });

      // Act
      const code = await new Promise<number | null>((done, fail) => {
        child.on('exit', done);
        child.on('error', fail);
      });

      // Assess
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/^fivetran-metadata: DATA_DIR .* is not writable \(EACCES/);
    },
    30_000,
  );
});
