import { describe, expect, it } from 'vitest';
import { cachedSecretSource, WebhookSecretError } from '#commons/webhook-secret/secret-source';

function source(values: string[], start = 0) {
  let clock = start;
  const reads: number[] = [];
  const secrets = cachedSecretSource({
    fetchSecret: async () => {
      reads.push(clock);
      return values[Math.min(reads.length - 1, values.length - 1)] as string;
    },
    maxAgeMs: 300_000,
    rereadIntervalMs: 30_000,
    now: () => clock,
  });
  return { secrets, reads, advance: (ms: number) => (clock += ms) };
}

describe('Function: cachedSecretSource', () => {
  it('reads once, then serves the cache until it is a few minutes old', async () => {
    // Prepare
    const { secrets, reads, advance } = source(['a', 'b']);

    // Act
    const first = await secrets.current();
    advance(299_000);
    const cached = await secrets.current();
    advance(2_000);
    const refreshed = await secrets.current();

    // Assess
    expect([first, cached, refreshed]).toEqual([['a'], ['a'], ['b']]);
    expect(reads).toHaveLength(2);
  });

  it('shares one read between concurrent callers', async () => {
    // Prepare
    const { secrets, reads } = source(['a']);

    // Act
    await Promise.all(Array.from({ length: 10 }, () => secrets.current()));

    // Assess
    expect(reads).toHaveLength(1);
  });

  it('re-reads on request at most every 30 s, and only reports a changed secret', async () => {
    // Prepare
    const { secrets, reads, advance } = source(['a', 'new,a', 'new,a']);
    await secrets.current();

    // Act
    const rotated = await secrets.reread();
    advance(10_000);
    const tooSoon = await secrets.reread();
    advance(21_000);
    const unchanged = await secrets.reread();

    // Assess
    expect(rotated).toEqual(['new', 'a']);
    expect(tooSoon).toBeNull();
    expect(unchanged).toBeNull();
    expect(reads).toHaveLength(3);
    expect(await secrets.current()).toEqual(['new', 'a']);
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
