import { createHash } from 'node:crypto';
import { canonicalJson } from '../lib/canonical-json.ts';

/**
 * Fivetran sends no event id, so identity is derived from content: SHA-256 (hex) of the canonical JSON of
 * the parsed body. Whitespace or key order never splits one event in two; any content change never merges two.
 */
export function eventIdentity(parsedBody: unknown): string {
  return createHash('sha256').update(canonicalJson(parsedBody)).digest('hex');
}

/** Identity of a body that is not readable JSON (quarantine): SHA-256 of the exact bytes. */
export function bodyIdentity(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
