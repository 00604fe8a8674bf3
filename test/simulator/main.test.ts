import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '../../functions/simulator/main.ts');
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');

describe('npm run simulator (functions/simulator/main.ts)', () => {
  it('serves the demo account on the given port, prints how to use it, and stops cleanly on SIGTERM', async () => {
    // Prepare: an empty working directory so no developer `.env` applies.
    const cwd = mkdtempSync(join(tmpdir(), 'fivetran-simulator-main-'));
    const child = spawn(process.execPath, [TSX_CLI, MAIN], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        SIMULATOR_PORT: '0',
        SIMULATOR_CONNECTIONS: '7',
        SIMULATOR_SYNC_EVERY_MS: '0',
      },
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));

    try {
      // Act
      const url = await new Promise<string>((found, fail) => {
        child.stdout.on('data', () => {
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (match) found(match[1] as string);
        });
        child.on('close', () => fail(new Error(`simulator exited early: ${stdout}`)));
      });
      const answer = await fetch(`${url}/v1/account/info`, {
        headers: { Authorization: `Basic ${Buffer.from('demo-key:demo-secret').toString('base64')}` },
      });
      child.kill('SIGTERM');
      const code = await exited;

      // Assess
      expect(answer.status).toBe(200);
      expect(stdout).toContain('7 connections');
      expect(stdout).toContain('key demo-key / secret demo-secret');
      expect(stdout).toContain('SIGTERM: stopping the simulator');
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
