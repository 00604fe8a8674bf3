import { describe, expect, it } from 'vitest';
import { canonicalJson } from '#commons/lib/canonical-json';
import { bodyIdentity, eventIdentity } from '#commons/webhook/event-identity';
import { syncEndSuccessful } from '../fixtures/webhook-payloads.ts';

const original = JSON.parse(syncEndSuccessful) as Record<string, unknown>;

function reordered(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reordered(v)]),
  );
}

describe('Function: eventIdentity', () => {
  it('is a 64-character hex SHA-256', () => {
    // Act & Assess
    expect(eventIdentity(original)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is pinned: a change in what is hashed would split events across a deploy', () => {
    // Prepare: the digest was computed outside this code (sha256sum of the canonical text below).
    const event = { event: 'sync_end', b: { d: 1.5, c: 'x y' }, a: [true, null, 'é'] };
    // Act / Assess
    expect(canonicalJson(event)).toBe('{"a":[true,null,"é"],"b":{"c":"x y","d":1.5},"event":"sync_end"}');
    expect(eventIdentity(event)).toBe('5f22e9322fe00825688d4135e023cf3177ad473b77e32835beec5aeb547973fe');
  });

  it('does not change with key order or whitespace', () => {
    // Prepare
    const pretty = JSON.parse(JSON.stringify(reordered(original), null, 4));
    // Act & Assess
    expect(Object.keys(pretty)[0]).toBe('data');
    expect(eventIdentity(pretty)).toBe(eventIdentity(original));
  });

  it.each([
    ['created', { created: '2026-05-22T00:06:08.639Z' }],
    ['event', { event: 'sync_start' }],
    ['sync_id', { sync_id: 'another' }],
    ['nested data', { data: { status: 'FAILURE' } }],
    ['an added key', { extra: null }],
  ])('changes when %s changes', (_name, change) => {
    // Act & Assess
    expect(eventIdentity({ ...original, ...change })).not.toBe(eventIdentity(original));
  });

  it('distinguishes array order and string from number', () => {
    // Act & Assess
    expect(eventIdentity({ a: [1, 2] })).not.toBe(eventIdentity({ a: [2, 1] }));
    expect(eventIdentity({ a: '1' })).not.toBe(eventIdentity({ a: 1 }));
  });
});

describe('Function: canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    // Act & Assess
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[true,null]},"b":1}',
    );
  });
});

describe('Function: bodyIdentity', () => {
  it('hashes exact bytes, so any byte difference differs', () => {
    // Act & Assess
    expect(bodyIdentity(Buffer.from('abc'))).not.toBe(bodyIdentity(Buffer.from('abd')));
    expect(bodyIdentity(Buffer.from('abc'))).toBe(bodyIdentity(new Uint8Array([0x61, 0x62, 0x63])));
  });
});
