/** How the last page says "no more": Fivetran's own samples and SDKs show all three. */
export type EndOfList = 'null' | 'absent' | 'empty';

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

export class PagingError extends Error {}

/** Cursors are base64 JSON like Fivetran's (`eyJza2lwIjoxfQ`); keyset on the id so churn never skips items. */
export function encodeCursor(afterId: string): string {
  return Buffer.from(JSON.stringify({ after: afterId })).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && typeof (parsed as { after?: unknown }).after === 'string') {
      return (parsed as { after: string }).after;
    }
  } catch {
    // Falls through to the error below.
  }
  throw new PagingError('Invalid cursor');
}

export function readLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_PAGE_LIMIT;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX_PAGE_LIMIT) {
    throw new PagingError(`limit must be between 1 and ${MAX_PAGE_LIMIT}`);
  }
  return value;
}

/**
 * One page of `items` (any order; paged by `keyOf`, the id by default) as Fivetran's `data`:
 * `{items, next_cursor}`, each item shown through `view`.
 */
export function pageOf<T, V = T>(
  items: Iterable<T>,
  query: URLSearchParams,
  endOfList: EndOfList,
  view: (item: T) => V = (item) => item as unknown as V,
  keyOf: (item: T) => string = (item) => String((item as { id?: unknown }).id),
): { items: V[]; next_cursor?: string | null } {
  const limit = readLimit(query.get('limit'));
  const cursor = query.get('cursor');
  const after = cursor ? decodeCursor(cursor) : null;
  const sorted = [...items]
    .map((item) => ({ item, key: keyOf(item) }))
    .filter(({ key }) => after === null || key > after)
    .sort((a, b) => compare(a.key, b.key));
  const page = sorted.slice(0, limit);
  const last = page.at(-1);
  const shown = page.map(({ item }) => view(item));
  if (sorted.length > limit && last) return { items: shown, next_cursor: encodeCursor(last.key) };
  if (endOfList === 'absent') return { items: shown };
  return { items: shown, next_cursor: endOfList === 'null' ? null : '' };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
