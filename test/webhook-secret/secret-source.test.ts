import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { readThroughSecretSource, WebhookSecretError } from '#commons/webhook-secret/secret-source';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf';
const secretsManager = mockClient(SecretsManagerClient);

/** The deployed wiring: Powertools Parameters' cache (maxAge) under our re-read rule, with a hand-moved clock. */
function source(values: string[]) {
  let clock = 0;
  secretsManager.reset();
  const answers = secretsManager.on(GetSecretValueCommand, { SecretId: ARN });
  for (const value of values.slice(0, -1)) answers.resolvesOnce({ SecretString: value });
  answers.resolves({ SecretString: values.at(-1) as string });
  const provider = new SecretsProvider({
    awsSdkV3Client: new SecretsManagerClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    }),
  });
  const secrets = readThroughSecretSource({
    read: async ({ forceFetch }) => String(await provider.get(ARN, { maxAge: 300, forceFetch })),
    rereadIntervalMs: 30_000,
    now: () => clock,
  });
  return {
    secrets,
    reads: () => secretsManager.commandCalls(GetSecretValueCommand).length,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('Function: readThroughSecretSource over Powertools Parameters', () => {
  afterEach(() => secretsManager.reset());
  const A = 'secret-a-0123456789abcdef0123456789';
  const B = 'secret-b-0123456789abcdef0123456789';
  const NEW = 'secret-new-0123456789abcdef01234567';

  it('reads once, then serves Powertools’ cache', async () => {
    // Prepare
    const { secrets, reads } = source([A, B]);

    // Act
    const first = await secrets.current();
    const cached = await secrets.current();

    // Assess
    expect([first, cached]).toEqual([[A], [A]]);
    expect(reads()).toBe(1);
  });

  it('re-reads past the cache at most every 30 s, and only reports a changed secret', async () => {
    // Prepare
    const { secrets, reads, advance } = source([A, `${NEW},${A}`, `${NEW},${A}`]);
    await secrets.current();

    // Act
    const rotated = await secrets.reread();
    advance(10_000);
    const tooSoon = await secrets.reread();
    advance(21_000);
    const unchanged = await secrets.reread();

    // Assess
    expect(rotated).toEqual([NEW, A]);
    expect(tooSoon).toBeNull();
    expect(unchanged).toBeNull();
    expect(reads()).toBe(3);
    // The forced read refreshed the cache: later plain reads see the rotated secret without another call.
    expect(await secrets.current()).toEqual([NEW, A]);
    expect(reads()).toBe(3);
  });

  it('refuses a malformed secret without repeating it', async () => {
    // Prepare
    const { secrets } = source([' padded-secret ']);

    // Act
    const reading = secrets.current();

    // Assess
    await expect(reading).rejects.toThrow(WebhookSecretError);
    await expect(secrets.current()).rejects.not.toThrow(/padded-secret/);
  });
});
