import type * as z from 'zod';

/** Something the client could not read in full: an item dropped (`id` null) or fields dropped from a kept item. */
export interface Unreadable {
  /** The item's identity when it could be read (the item was then kept without the fields named); else null. */
  readonly id: string | null;
  /** The first problem, as `path: what was wrong` (zod's first issue), short and clipped. */
  readonly problem: string;
}

/** How an item names itself: `id` for most, `sync_id` for sync-history runs; null when it cannot be read. */
export type IdentityOf = (item: Record<string, unknown>) => string | null;

export const idField: IdentityOf = (item) => (typeof item.id === 'string' && item.id !== '' ? item.id : null);

const MAX_PROBLEM_CHARS = 200;
const MAX_ID_CHARS = 1_024;
const MAX_KEY_CHARS = 64;
/** Each round removes every value zod complained about; nested objects may need a few rounds. */
const MAX_REPAIR_ROUNDS = 8;

// C0/C1 controls and bidi overrides: text from Fivetran never reaches a log line with them in it.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what must be removed.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(value: string, max: number): string {
  const clean = value.replace(UNPRINTABLE, '?');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'invalid';
  const where = issue.path.length
    ? issue.path.map((key) => printable(String(key), MAX_KEY_CHARS)).join('.')
    : '(item)';
  return printable(`${where}: ${issue.message}`, MAX_PROBLEM_CHARS);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Removes every value an issue points at: a key from its object, an element from its array. Returns whether
 * anything was removed (an issue about the item itself cannot be repaired).
 */
function removeIssuePaths(root: unknown, issues: readonly z.core.$ZodIssue[]): boolean {
  const fromArrays = new Map<unknown[], Set<number>>();
  let removed = false;
  for (const issue of issues) {
    if (issue.path.length === 0) continue;
    let parent: unknown = root;
    for (const key of issue.path.slice(0, -1)) {
      parent =
        isRecord(parent) || Array.isArray(parent) ? (parent as Record<PropertyKey, unknown>)[key] : undefined;
    }
    const last = issue.path.at(-1) as PropertyKey;
    if (Array.isArray(parent) && typeof last === 'number') {
      const marked = fromArrays.get(parent) ?? new Set<number>();
      marked.add(last);
      fromArrays.set(parent, marked);
      removed = true;
    } else if (isRecord(parent) && Object.hasOwn(parent, last)) {
      delete parent[last as string];
      removed = true;
    }
  }
  // Highest index first, so removing one element does not shift the next one marked.
  for (const [array, indices] of fromArrays) {
    for (const index of [...indices].sort((a, b) => b - a)) array.splice(index, 1);
  }
  return removed;
}

export interface ReadResult<T> {
  /** The item with every readable field, or null when even its identity could not be read. */
  readonly value: T | null;
  readonly unreadable: Unreadable | null;
}

/**
 * Reads one item: its identity must be readable, every other field that does not match the schema is
 * dropped from it (and named in `unreadable`). `raw` is freshly parsed JSON and is changed in place.
 * `identityOf` null means the shape has no identity (a schema config): the item is kept whatever it holds.
 */
export function readItem<T>(
  schema: z.ZodType<T>,
  raw: unknown,
  identityOf: IdentityOf | null,
): ReadResult<T> {
  if (!isRecord(raw)) {
    return { value: null, unreadable: { id: null, problem: '(item): not a JSON object' } };
  }
  let id: string | null = null;
  if (identityOf !== null) {
    id = identityOf(raw);
    if (id === null) return { value: null, unreadable: { id: null, problem: '(item): no readable id' } };
  }
  const shownId = id === null ? null : printable(id, MAX_ID_CHARS);
  let first: string | null = null;
  for (let round = 0; round <= MAX_REPAIR_ROUNDS; round++) {
    const parsed = schema.safeParse(raw);
    if (parsed.success) {
      return { value: parsed.data, unreadable: first === null ? null : { id: shownId, problem: first } };
    }
    first ??= describeIssue(parsed.error.issues[0]);
    if (!removeIssuePaths(raw, parsed.error.issues)) break;
  }
  // Only reachable when a schema requires more than the identity: the item cannot be kept.
  return { value: null, unreadable: { id: null, problem: first ?? 'invalid' } };
}

/** Unreadable entries kept per page; the total is counted beyond that. */
export const MAX_UNREADABLE_PER_PAGE = 100;

export interface ReadItems<T> {
  readonly items: T[];
  readonly unreadable: Unreadable[];
  readonly unreadableTotal: number;
}

/** Reads a page's items one by one: one odd item never costs the others. */
export function readItems<T>(
  schema: z.ZodType<T>,
  raw: readonly unknown[],
  identityOf: IdentityOf,
): ReadItems<T> {
  const items: T[] = [];
  const unreadable: Unreadable[] = [];
  let unreadableTotal = 0;
  for (const entry of raw) {
    const result = readItem(schema, entry, identityOf);
    if (result.value !== null) items.push(result.value);
    if (result.unreadable !== null) {
      unreadableTotal++;
      if (unreadable.length < MAX_UNREADABLE_PER_PAGE) unreadable.push(result.unreadable);
    }
  }
  return { items, unreadable, unreadableTotal };
}
