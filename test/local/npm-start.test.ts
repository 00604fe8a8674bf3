import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDataDir } from './server-fixture.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');
const MAIN = resolve(ROOT, 'functions/local/main.ts');
const run = promisify(execFile);

/** The `npm start` entry in a clean environment (no inherited FIVETRAN_*), in a directory without `.env`. */
function start(cwd: string, env: Record<string, string>): ChildProcess {
  return spawn(TSX, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess) {
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => (output.stdout += chunk));
  child.stderr?.on('data', (chunk) => (output.stderr += chunk));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { output, exited };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error('condition never became true');
}

describe('npm start (functions/local/main.ts)', () => {
  const data = tempDataDir();
  let child: ChildProcess;
  let running: ReturnType<typeof collect>;

  beforeAll(async () => {
    child = start(data.dir, { PORT: '0', DATA_DIR: `${data.dir}/data` });
    running = collect(child);
    await until(() => running.output.stdout.includes('Ctrl-C'));
  });
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    data.remove();
  });

  it('prints a banner with the URL, the data dir, the mode and the generated secret', () => {
    // Assess
    const { stdout, stderr } = running.output;
    expect(stdout).toMatch(/URL: +http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/Webhook URL: +http:\/\/127\.0\.0\.1:\d+\/webhooks\/fivetran/);
    expect(stdout).toContain(`${data.dir}/data (new)`);
    expect(stdout).toMatch(/DEMO: a simulated Fivetran account/);
    expect(stdout).toMatch(/Webhook secret: generated into .*webhook-secret: \S{40,}/);
    expect(stderr).toBe('');
  });

  it('prints a curl example that, pasted into a shell, is stored and read back', async () => {
    // Prepare: the banner's two curl commands, exactly as printed.
    const lines = running.output.stdout.split('\n');
    const first = lines.findIndex((line) => line.startsWith('curl -sS -X POST'));
    const post = lines.slice(first, first + 4).join('\n');
    const get = lines[first + 4] ?? '';

    // Act
    const delivered = await run('sh', ['-c', post]);
    const read = await run('sh', ['-c', get]);

    // Assess
    expect(JSON.parse(delivered.stdout)).toMatchObject({ event: 'sync_end' });
    expect(JSON.parse(read.stdout)).toMatchObject({
      id: 'curl_example',
      health: 'healthy',
      last_sync: { status: 'SUCCESSFUL', source: 'webhook' },
    });
  });

  it('refuses a second process on the same DATA_DIR with one line and exit code 1', async () => {
    // Act
    const second = start(data.dir, { PORT: '0', DATA_DIR: `${data.dir}/data` });
    const { output, exited } = collect(second);
    const code = await exited;

    // Assess
    expect(code).toBe(1);
    expect(output.stderr.trim().split('\n')).toHaveLength(1);
    expect(output.stderr).toMatch(/already in use by process \d+/);
  });

  it('stops cleanly on SIGTERM', async () => {
    // Act
    child.kill('SIGTERM');
    const code = await running.exited;

    // Assess
    expect(code).toBe(0);
    expect(running.output.stdout).toContain('stopped cleanly');
  });
});

describe('npm start with bad configuration', () => {
  it.each([
    ['PORT=abc', { PORT: 'abc' }, /PORT must be a whole number/],
    ['a public HOST without API_TOKEN', { HOST: '0.0.0.0' }, /API_TOKEN/],
    ['a padded webhook secret', { FIVETRAN_WEBHOOK_SECRET: ' padded' }, /FIVETRAN_WEBHOOK_SECRET/],
  ])('says what is wrong in one line and exits 1 (%s)', async (_name, env, message) => {
    // Prepare
    const data = tempDataDir();

    // Act
    const { output, exited } = collect(start(data.dir, { DATA_DIR: `${data.dir}/data`, ...env }));
    const code = await exited;
    data.remove();

    // Assess
    expect(code).toBe(1);
    expect(output.stderr.trim().split('\n')).toHaveLength(1);
    expect(output.stderr).toMatch(message);
    expect(output.stderr).not.toMatch(/\n\s+at /);
  });
});
