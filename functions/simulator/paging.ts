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

/** One page of `items` (any order; paged by id) as Fivetran's `data`: `{items, next_cursor}`. */
export function pageOf<T extends { readonly id: string }>(
  items: Iterable<T>,
  query: URLSearchParams,
  endOfList: EndOfList,
): { items: T[]; next_cursor?: string | null } {
  const limit = readLimit(query.get('limit'));
  const cursor = query.get('cursor');
  const after = cursor ? decodeCursor(cursor) : null;
  const sorted = [...items]
    .filter((item) => after === null || item.id > after)
    .sort((a, b) => compare(a.id, b.id));
  const page = sorted.slice(0, limit);
  const last = page.at(-1);
  if (sorted.length > limit && last) return { items: page, next_cursor: encodeCursor(last.id) };
  if (endOfList === 'absent') return { items: page };
  return { items: page, next_cursor: endOfList === 'null' ? null : '' };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
