import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Env } from '#commons/config/env';
import type { CliIo } from '../../functions/cli/cli-io.ts';
import { testConnection } from '../../functions/cli/commands/test-connection.ts';
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../functions/simulator/simulator.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:fivetran-api-XyZ123';
const secretsManager = mockClient(SecretsManagerClient);

let sim: Simulator | undefined;
afterEach(async () => {
  secretsManager.reset();
  await sim?.close();
  sim = undefined;
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(args: string[], env: Env): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    sleep: async () => undefined,
  };
  const code = await testConnection(args, io);
  return { code, stdout, stderr };
}

async function simulatorEnv(options: SimulatorOptions = {}, secret = 'demo-secret'): Promise<Env> {
  sim = await startSimulator({ seed: 31, groups: 2, connections: 9, ...options });
  return { FIVETRAN_API_URL: sim.url, FIVETRAN_API_KEY: sim.credential.apiKey, FIVETRAN_API_SECRET: secret };
}

describe('fivetran-metadata test-connection', () => {
  it('exits 0 and prints the account, the key kind and what the key can see', async () => {
    // Prepare
    const env = await simulatorEnv({ accountName: 'Northwind Data' });

    // Act
    const result = await run([], env);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Northwind Data');
    expect(result.stdout).toContain('user (scoped) key');
    expect(result.stdout).toMatch(/groups:\s+2\n/);
    expect(result.stdout).toMatch(/connections:\s+9\n/);
    expect(result.stderr).toBe('');
    expect(result.stdout + result.stderr).not.toContain('demo-secret');
  });

  it('says so when the key is a system key, and prints JSON with --json', async () => {
    // Prepare
    const env = await simulatorEnv({ keyKind: 'system' });

    // Act
    const result = await run(['--json'], env);

    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      api_url: sim?.url,
      account: { id: sim?.account.accountId, name: sim?.account.accountName },
      key_kind: 'system',
      groups: 2,
      connections: 9,
      warnings: [],
    });
  });

  it('warns, still exiting 0, when the key sees no connections', async () => {
    // Prepare
    const env = await simulatorEnv();
    if (sim) sim.knobs.visibleGroupIds = [];

    // Act
    const result = await run([], env);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/connections:\s+0\n/);
    expect(result.stderr).toMatch(/^warning: the key sees no groups: a scoped key sees only/);
  });

  it('exits 2 with the key message when Fivetran rejects the credential', async () => {
    // Prepare
    const env = await simulatorEnv({}, 'not-the-secret');

    // Act
    const result = await run([], env);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('regenerated, revoked or expired');
    expect(result.stderr).toContain('Update FIVETRAN_API_KEY/FIVETRAN_API_SECRET');
    expect(result.stderr).not.toContain('not-the-secret');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 3 when the key may not read groups', async () => {
    // Prepare
    const env = await simulatorEnv();
    sim?.faults.add({ endpoint: 'GET /v1/groups', kind: 'status', status: 403 });

    // Act
    const result = await run(['--json'], env);

    // Assess
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, exit_code: 3, error: 'permission_missing' });
  });

  it.each([
    ['a closed port', async () => ({ ...(await simulatorEnv()), FIVETRAN_API_URL: await closedUrl() })],
    [
      'a lasting 503',
      async () => {
        const env = await simulatorEnv();
        sim?.faults.add({ kind: 'status', status: 503 });
        return env;
      },
    ],
    [
      'a rate limit beyond the CLI budget',
      async () => {
        const env = await simulatorEnv();
        sim?.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 3600 });
        return env;
      },
    ],
    [
      'an answer that is not the Fivetran API',
      async () => {
        const env = await simulatorEnv();
        sim?.faults.add({ kind: 'malformed' });
        return env;
      },
    ],
  ])('exits 4 when the API is unreachable: %s', async (_, prepare) => {
    // Prepare
    const env = await prepare();

    // Act
    const result = await run([], env);

    // Assess
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^test-connection: .+\n$/);
  });

  it.each([
    ['no credential at all', {}, []],
    ['only the key', { FIVETRAN_API_KEY: 'k' }, []],
    [
      'plain http to a remote host',
      { FIVETRAN_API_URL: 'http://fivetran.example.com', FIVETRAN_API_KEY: 'k', FIVETRAN_API_SECRET: 's' },
      [],
    ],
    ['an unknown option', { FIVETRAN_API_KEY: 'k', FIVETRAN_API_SECRET: 's' }, ['--verbose']],
    ['a stray argument', { FIVETRAN_API_KEY: 'k', FIVETRAN_API_SECRET: 's' }, ['now']],
  ] as const)('exits 1 on bad usage or config: %s', async (_, env, args) => {
    // Act
    const result = await run([...args], env);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^test-connection: .+\n$/);
  });

  it('reads the credential from Secrets Manager with --secret-id', async () => {
    // Prepare
    const env = await simulatorEnv();
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ apiKey: 'demo-key', apiSecret: 'demo-secret' }) });

    // Act
    const result = await run(['--secret-id', SECRET_ARN], { FIVETRAN_API_URL: env.FIVETRAN_API_URL });

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/connections:\s+9\n/);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('names the secret to update when the key from --secret-id is rejected', async () => {
    // Prepare
    const env = await simulatorEnv();
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ apiKey: 'demo-key', apiSecret: 'revoked-secret' }) });

    // Act
    const result = await run(['--secret-id', SECRET_ARN], { FIVETRAN_API_URL: env.FIVETRAN_API_URL });

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Update ${SECRET_ARN}`);
    expect(result.stderr).not.toContain('revoked-secret');
  });

  it('exits 1 when the --secret-id secret is empty', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '' });

    // Act
    const result = await run(['--secret-id', SECRET_ARN], {});

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is empty');
  });
});

/** A loopback URL where nothing listens any more. */
async function closedUrl(): Promise<string> {
  const spare = await startSimulator({ groups: 0, connections: 0 });
  const url = spare.url;
  await spare.close();
  return url;
}
