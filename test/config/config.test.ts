import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '#commons/config/env';
import { isLoopbackHost } from '#commons/config/fivetran-settings';
import { loadLocalConfig } from '#commons/config/local-config';

describe('Function: loadLocalConfig', () => {
  it('applies the contract defaults with nothing set', () => {
    // Act
    const config = loadLocalConfig({});
    // Assess
    expect(config).toEqual({
      port: 3000,
      host: '127.0.0.1',
      allowedHosts: [],
      apiToken: null,
      dataDir: '.data',
      fivetranApiUrl: 'https://api.fivetran.com',
      fivetranCredential: null,
      webhookSecrets: null,
      sweepIntervalMinutes: 15,
      schemaRequestBudget: 200,
      requestsPerHour: null,
      eventRetentionDays: 90,
    });
  });

  it('reads every variable', () => {
    // Act
    const config = loadLocalConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      API_TOKEN: 'token',
      DATA_DIR: '/tmp/x',
      FIVETRAN_API_URL: 'http://127.0.0.1:4000/',
      FIVETRAN_API_KEY: 'key',
      FIVETRAN_API_SECRET: 'secret',
      FIVETRAN_WEBHOOK_SECRET: 'current-secret-0123456789abcdef0123,previous-secret-0123456789abcdef0123',
      SWEEP_INTERVAL_MINUTES: '5',
      SCHEMA_REQUEST_BUDGET: '0',
      EVENT_RETENTION_DAYS: '7',
    });
    // Assess
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      fivetranApiUrl: 'http://127.0.0.1:4000',
      fivetranCredential: { apiKey: 'key', apiSecret: 'secret' },
      webhookSecrets: ['current-secret-0123456789abcdef0123', 'previous-secret-0123456789abcdef0123'],
      sweepIntervalMinutes: 5,
      schemaRequestBudget: 0,
      eventRetentionDays: 7,
    });
  });

  it.each([
    [{ HOST: '0.0.0.0' }, /API_TOKEN/],
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between/],
    [{ FIVETRAN_API_URL: 'http://api.fivetran.com' }, /plain http only for a loopback/],
    [{ FIVETRAN_API_URL: 'not a url' }, /not a URL/],
    [{ FIVETRAN_API_KEY: 'only-key' }, /both FIVETRAN_API_KEY and FIVETRAN_API_SECRET/],
    [{ FIVETRAN_WEBHOOK_SECRET: 'a, b' }, /FIVETRAN_WEBHOOK_SECRET/],
    [
      { ALLOWED_HOSTS: 'https://tunnel.example.net/' },
      /ALLOWED_HOSTS: "https:\/\/tunnel.example.net\/" is not a host name/,
    ],
    [
      { FIVETRAN_WEBHOOK_SECRET: 'Str0ngRandomSecret,1' },
      /secret 1 of 2 .* at least 32; the value looks like one secret split at its comma/,
    ],
    [
      { FIVETRAN_WEBHOOK_SECRET: 'x'.repeat(31) },
      /the secret is 31 characters; each webhook secret must be at least 32/,
    ],
    [{ SWEEP_INTERVAL_MINUTES: '0' }, /SWEEP_INTERVAL_MINUTES/],
  ])('refuses %j with a one-line ConfigError', (env, message) => {
    // Act & Assess
    expect(() => loadLocalConfig(env)).toThrow(ConfigError);
    expect(() => loadLocalConfig(env)).toThrow(message);
  });
});

describe('Function: loadEnv', () => {
  it('reads .env and lets the environment win', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'ftm-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'PORT=4001\nHOST=127.0.0.2\n# comment\n');
    // Act
    const env = loadEnv({ PORT: '5000' }, file);
    // Assess
    expect(env.PORT).toBe('5000');
    expect(env.HOST).toBe('127.0.0.2');
  });

  it('is the environment alone when there is no .env', () => {
    // Act & Assess
    expect(loadEnv({ A: '1' }, '/nonexistent/.env')).toEqual({ A: '1' });
  });
});

describe('Function: isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['example.com', false],
  ])('%s → %s', (host, expected) => {
    // Act & Assess
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
