import { describe, expect, it } from 'vitest';
import { findHeader, parseSecretList, signBody, verifySignature } from '#commons/webhook/signature';
import { PREVIOUS_TEST_SECRET, syncEndSuccessful, TEST_SECRET } from '../fixtures/webhook-payloads.ts';

const body = Buffer.from(syncEndSuccessful);
const signed = (secret = TEST_SECRET, bytes: Uint8Array = body) => ({
  'X-Fivetran-Signature-256': signBody(bytes, secret),
});

describe('Function: verifySignature', () => {
  it('accepts a valid upper-case hex signature (Fivetran samples)', () => {
    // Act
    const result = verifySignature(body, signed(), [TEST_SECRET]);
    // Assess
    expect(result).toEqual({ valid: true, secretIndex: 0 });
  });

  // RFC 4231, test case 2: HMAC-SHA256 with key "Jefe" — a digest computed outside this code.
  const RFC_4231_BODY = Buffer.from('what do ya want for nothing?');
  const RFC_4231_DIGEST = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';

  it.each([
    ['lower-case', RFC_4231_DIGEST],
    ['upper-case', RFC_4231_DIGEST.toUpperCase()],
  ])('accepts a published test vector in %s hex', (_, digest) => {
    // Act
    const result = verifySignature(RFC_4231_BODY, { 'x-fivetran-signature-256': digest }, ['Jefe']);
    // Assess
    expect(result).toEqual({ valid: true, secretIndex: 0 });
  });

  it('signs the published test vector to its known digest', () => {
    // Act / Assess
    expect(signBody(RFC_4231_BODY, 'Jefe').toLowerCase()).toBe(RFC_4231_DIGEST);
  });

  it.each([['X-Fivetran-Signature-256'], ['x-fivetran-signature-256'], ['X-FIVETRAN-SIGNATURE-256']])(
    'finds the header named %s (REST keeps casing, HTTP API lower-cases)',
    (name) => {
      // Act
      const result = verifySignature(body, { [name]: signBody(body, TEST_SECRET) }, [TEST_SECRET]);
      // Assess
      expect(result.valid).toBe(true);
    },
  );

  it.each([
    ['missing', {}, 'missing'],
    ['empty', { 'x-fivetran-signature-256': '' }, 'missing'],
    ['non-hex', { 'x-fivetran-signature-256': 'z'.repeat(64) }, 'malformed'],
    ['too short', { 'x-fivetran-signature-256': 'ab'.repeat(31) }, 'malformed'],
    ['too long', { 'x-fivetran-signature-256': 'ab'.repeat(33) }, 'malformed'],
    ['odd length', { 'x-fivetran-signature-256': 'a'.repeat(63) }, 'malformed'],
    [
      'sha256= prefixed',
      { 'x-fivetran-signature-256': `sha256=${signBody(body, TEST_SECRET)}` },
      'malformed',
    ],
    [
      'repeated',
      { 'x-fivetran-signature-256': [signBody(body, TEST_SECRET), signBody(body, TEST_SECRET)] },
      'malformed',
    ],
  ] as const)('rejects a %s header without throwing', (_name, headers, reason) => {
    // Act
    const result = verifySignature(body, headers, [TEST_SECRET]);
    // Assess
    expect(result).toEqual({ valid: false, reason });
  });

  it('rejects a signature made with another secret', () => {
    // Act
    const result = verifySignature(body, signed('some-other-secret'), [TEST_SECRET]);
    // Assess
    expect(result).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('rejects when one byte of the body changed', () => {
    // Prepare
    const tampered = Buffer.from(body);
    const index = tampered.length - 3;
    tampered[index] = (tampered[index] ?? 0) ^ 0x01;
    // Act
    const result = verifySignature(tampered, signed(), [TEST_SECRET]);
    // Assess
    expect(result.valid).toBe(false);
  });

  it('rejects a whitespace-only change to the JSON (proves the raw bytes are hashed)', () => {
    // Prepare
    const pretty = Buffer.from(JSON.stringify(JSON.parse(syncEndSuccessful), null, 2));
    // Act
    const result = verifySignature(pretty, signed(), [TEST_SECRET]);
    // Assess
    expect(JSON.parse(pretty.toString())).toEqual(JSON.parse(syncEndSuccessful));
    expect(result).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('accepts a body that arrived base64-encoded once decoded to its exact bytes', () => {
    // Prepare: API Gateway flags binary bodies; the shell decodes before verifying.
    const wire = body.toString('base64');
    // Act
    const result = verifySignature(Buffer.from(wire, 'base64'), signed(), [TEST_SECRET]);
    // Assess
    expect(result.valid).toBe(true);
    expect(verifySignature(Buffer.from(wire), signed(), [TEST_SECRET]).valid).toBe(false);
  });

  it('accepts the previous secret during a rotation and says which one matched', () => {
    // Act
    const current = verifySignature(body, signed(TEST_SECRET), [TEST_SECRET, PREVIOUS_TEST_SECRET]);
    const previous = verifySignature(body, signed(PREVIOUS_TEST_SECRET), [TEST_SECRET, PREVIOUS_TEST_SECRET]);
    const neither = verifySignature(body, signed('neither'), [TEST_SECRET, PREVIOUS_TEST_SECRET]);
    // Assess
    expect(current).toEqual({ valid: true, secretIndex: 0 });
    expect(previous).toEqual({ valid: true, secretIndex: 1 });
    expect(neither).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('never matches against an empty secret', () => {
    // Act
    const result = verifySignature(body, signed(''), ['']);
    // Assess
    expect(result.valid).toBe(false);
  });

  it('tolerates surrounding whitespace in the header value', () => {
    // Act
    const result = verifySignature(body, { 'x-fivetran-signature-256': ` ${signBody(body, TEST_SECRET)} ` }, [
      TEST_SECRET,
    ]);
    // Assess
    expect(result.valid).toBe(true);
  });
});

describe('Function: findHeader', () => {
  it('reads a single-valued array and ignores undefined entries', () => {
    // Act & Assess
    expect(findHeader({ A: ['x'] }, 'a')).toBe('x');
    expect(findHeader({ a: undefined }, 'a')).toBeUndefined();
    expect(findHeader({ A: 'x', a: 'y' }, 'a')).toBeNull();
  });
});

describe('Function: parseSecretList', () => {
  it('reads current and previous secrets in order', () => {
    // Act & Assess
    expect(parseSecretList('new-secret-0123456789abcdef0123456,old-secret-0123456789abcdef0123456')).toEqual([
      'new-secret-0123456789abcdef0123456',
      'old-secret-0123456789abcdef0123456',
    ]);
    expect(parseSecretList('only-secret-0123456789abcdef012345')).toEqual([
      'only-secret-0123456789abcdef012345',
    ]);
  });

  it('refuses any secret under 32 characters, naming which and its length, never its value', () => {
    // Act
    const attempt = () => parseSecretList('Str0ngRandomSecret,1');

    // Assess
    expect(attempt).toThrow(
      /secret 1 of 2 \(current\) is 18 characters.*looks like one secret split at its comma/,
    );
    expect(() => parseSecretList(`${'x'.repeat(32)},1`)).toThrow(
      /secret 2 of 2 \(previous\) is 1 characters/,
    );
    expect(() => parseSecretList('Str0ngRandomSecret,1')).not.toThrow(/Str0ng/);
    expect(parseSecretList('y'.repeat(32))).toEqual(['y'.repeat(32)]);
  });

  it.each([[''], [' padded'], ['a,'], ['a, b'], ['a,b,c']])('rejects %j at start-up', (value) => {
    // Act & Assess
    expect(() => parseSecretList(value)).toThrow();
  });
});
