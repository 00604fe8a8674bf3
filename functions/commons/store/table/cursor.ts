import { createHash } from 'node:crypto';
import { canonicalJson } from '../../lib/canonical-json.ts';

/** A cursor that cannot be used here: malformed, or minted for other filters. The router answers 400. */
export class CursorError extends Error {
  override name = 'CursorError';
}

export type PageKey = Record<string, string>;

/** Which listing a cursor belongs to: its name and filters; a cursor only resumes the listing it came from. */
export interface CursorScope {
  readonly listing: string;
  readonly filters: Readonly<Record<string, string | null | undefined>>;
}

function scopeDigest(scope: CursorScope): string {
  return createHash('sha256').update(canonicalJson(scope)).digest('base64url').slice(0, 22);
}

const KEY_NAME = /^(pk|sk|gsi\d+pk|gsi\d+sk)$/;

/** Checked by hand rather than with zod: the store sits on the webhook path, which stays lean. */
function readCursor(value: unknown): { s: string; k: PageKey } | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { v, s, k, ...rest } = value as Record<string, unknown>;
  if (v !== 1 || typeof s !== 'string' || Object.keys(rest).length > 0) return null;
  if (k === null || typeof k !== 'object' || Array.isArray(k)) return null;
  const key: PageKey = {};
  for (const [name, part] of Object.entries(k)) {
    if (!KEY_NAME.test(name) || typeof part !== 'string' || part.length === 0 || part.length > 4096)
      return null;
    key[name] = part;
  }
  return { s, k: key };
}

/** Opaque to clients: base64url JSON of the scope digest and the position (the last item's keys). */
export function encodeCursor(scope: CursorScope, key: PageKey): string {
  return Buffer.from(JSON.stringify({ v: 1, s: scopeDigest(scope), k: key })).toString('base64url');
}

/**
 * Reads a cursor back, checking it belongs to this listing with these filters and that its position lies in
 * the partition being read (`partition` = the index's key attributes and the partition's value).
 */
export function decodeCursor(
  scope: CursorScope,
  cursor: string,
  partition: { readonly attribute: string; readonly value: string; readonly sortAttribute: string },
): PageKey {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('cursor is malformed');
  }
  const read = readCursor(parsed);
  if (read === null) throw new CursorError('cursor is malformed');
  if (read.s !== scopeDigest(scope)) {
    throw new CursorError('cursor belongs to a different listing or other filters; start again without it');
  }
  const key = read.k;
  const expected = new Set(['pk', 'sk', partition.attribute, partition.sortAttribute]);
  const names = Object.keys(key);
  if (names.length !== expected.size || !names.every((name) => expected.has(name))) {
    throw new CursorError('cursor is malformed');
  }
  if (key[partition.attribute] !== partition.value) throw new CursorError('cursor is malformed');
  return key;
}
