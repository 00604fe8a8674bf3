import { describe, expect, it } from 'vitest';
import { ConfigError } from '#commons/config/env';
import { jobNamespace, parseOpenLineageConfig } from '#commons/lineage/openlineage-config';

const KEY = 'ol-key-Secret-123';

function errorOf(env: Record<string, string>): string {
  try {
    parseOpenLineageConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('OpenLineage configuration', () => {
  it('is off without OPENLINEAGE_URL', () => {
    // Act / Assess
    expect(parseOpenLineageConfig({})).toBeNull();
    expect(parseOpenLineageConfig({ OPENLINEAGE_URL: '  ', OPENLINEAGE_NAMESPACE: 'prod' })).toBeNull();
  });

  it('adds Marquez’s endpoint to a bare URL and keeps a full one as given', () => {
    // Act
    const bare = parseOpenLineageConfig({ OPENLINEAGE_URL: 'http://localhost:5000' });
    const full = parseOpenLineageConfig({
      OPENLINEAGE_URL: 'https://datahub.example/openapi/openlineage/api/v1/lineage',
      OPENLINEAGE_API_KEY: KEY,
      OPENLINEAGE_NAMESPACE: ' fivetran-prod ',
    });

    // Assess
    expect(bare).toEqual({ url: 'http://localhost:5000/api/v1/lineage', apiKey: null, namespace: null });
    expect(full).toEqual({
      url: 'https://datahub.example/openapi/openlineage/api/v1/lineage',
      apiKey: KEY,
      namespace: 'fivetran-prod',
    });
  });

  it('defaults the job namespace to the account', () => {
    // Act / Assess
    expect(jobNamespace(null, 'acct_cobalt')).toBe('fivetran://acct_cobalt');
    expect(jobNamespace({ namespace: 'prod' }, 'acct_cobalt')).toBe('prod');
  });

  it.each([
    ['a non-URL', { OPENLINEAGE_URL: 'not a url' }, 'OPENLINEAGE_URL is not a URL'],
    [
      'a non-http scheme',
      { OPENLINEAGE_URL: 'ftp://marquez.example' },
      'OPENLINEAGE_URL must be http(s), got ftp:',
    ],
    [
      'credentials in the URL',
      { OPENLINEAGE_URL: 'https://user:pw@marquez.example' },
      'OPENLINEAGE_URL must not carry credentials: use OPENLINEAGE_API_KEY',
    ],
    [
      'a key without a URL',
      { OPENLINEAGE_API_KEY: KEY },
      'OPENLINEAGE_API_KEY is set but OPENLINEAGE_URL is not',
    ],
    [
      'a key over plain http',
      { OPENLINEAGE_URL: 'http://marquez.example:5000', OPENLINEAGE_API_KEY: KEY },
      'OPENLINEAGE_URL must be https when OPENLINEAGE_API_KEY is set (plain http only to a loopback host)',
    ],
    [
      'a key with a space',
      { OPENLINEAGE_URL: 'https://m.example', OPENLINEAGE_API_KEY: `${KEY} x` },
      'OPENLINEAGE_API_KEY must be printable ASCII without spaces',
    ],
    [
      'a namespace with a control character',
      { OPENLINEAGE_URL: 'https://m.example', OPENLINEAGE_NAMESPACE: 'a\u0007b' },
      'OPENLINEAGE_NAMESPACE must not contain control characters',
    ],
    [
      'a namespace too long',
      { OPENLINEAGE_URL: 'https://m.example', OPENLINEAGE_NAMESPACE: 'n'.repeat(1_025) },
      'OPENLINEAGE_NAMESPACE is longer than 1,024 characters',
    ],
  ])('refuses %s in one line, never echoing the key', (_label, env, message) => {
    // Act
    const error = errorOf(env);

    // Assess
    expect(error).toBe(message);
    expect(error).not.toContain(KEY);
    expect(error).not.toContain('\n');
  });

  it('allows plain http with a key only to a loopback receiver', () => {
    // Act
    const local = parseOpenLineageConfig({
      OPENLINEAGE_URL: 'http://127.0.0.1:5000/',
      OPENLINEAGE_API_KEY: KEY,
    });

    // Assess
    expect(local?.url).toBe('http://127.0.0.1:5000/api/v1/lineage');
  });
});
