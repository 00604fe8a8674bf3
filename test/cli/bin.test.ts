import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';

const BIN = resolve(import.meta.dirname, '../../bin/fivetran-metadata.mjs');
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:ApiCredential-abc';

let sim: Simulator;
let cwd: string;
beforeAll(async () => {
  sim = await startSimulator({ seed: 41, groups: 2, connections: 5, accountName: 'Spawned Account' });
  // An empty working directory, so no developer `.env` leaks into the run.
  cwd = mkdtempSync(join(tmpdir(), 'fivetran-metadata-bin-'));
});
afterAll(async () => {
  await sim.close();
  rmSync(cwd, { recursive: true, force: true });
});

function runBin(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('bin/fivetran-metadata.mjs', () => {
  it('runs test-connection against the simulator and exits 0', async () => {
    // Act
    const result = await runBin(['test-connection'], {
      FIVETRAN_API_URL: sim.url,
      FIVETRAN_API_KEY: sim.credential.apiKey,
      FIVETRAN_API_SECRET: sim.credential.apiSecret,
    });

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Spawned Account');
    expect(result.stdout).toMatch(/connections:\s+5\n/);
  });

  it('exits 2 with the key message for a wrong secret', async () => {
    // Act
    const result = await runBin(['test-connection'], {
      FIVETRAN_API_URL: sim.url,
      FIVETRAN_API_KEY: sim.credential.apiKey,
      FIVETRAN_API_SECRET: 'wrong',
    });

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Fivetran rejected the API key');
  });

  it('builds an AWS SDK client without the SDK’s Node-version warning, and names the missing AWS login', async () => {
    // Act: no AWS credentials anywhere (HOME is the empty working directory, IMDS off).
    const result = await runBin(['test-connection', '--secret-id', SECRET_ARN], {
      HOME: cwd,
      AWS_EC2_METADATA_DISABLED: 'true',
      FIVETRAN_API_URL: sim.url,
    });

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/NodeVersionSupportWarning|Warning:/);
    expect(result.stderr).toBe(
      `test-connection: no AWS login to read the secret ${SECRET_ARN}: log in first (aws sso login, or aws configure), or set AWS_PROFILE\n`,
    );
  });

  it('keeps the operator’s own choice of the SDK warning switch', async () => {
    // Act: the SDK prints its warning on Node < 22 only; on newer Node there is nothing to see either way.
    const result = await runBin(['test-connection', '--secret-id', SECRET_ARN], {
      HOME: cwd,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false',
    });

    // Assess
    const major = Number(process.versions.node.split('.')[0]);
    expect(result.stderr.includes('NodeVersionSupportWarning')).toBe(major < 22);
  });
});
