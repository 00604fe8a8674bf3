import type { Unreadable } from './tolerant-read.ts';

export interface Page<T> {
  readonly items: readonly T[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
  /** Items dropped (`id` null) or kept without some fields (`id` set); at most 100 per page. */
  readonly unreadable: readonly Unreadable[];
  /** How many entries `unreadable` would hold without its bound. */
  readonly unreadableTotal: number;
  /**
   * `full_page_without_cursor`: a full page (as many items as asked for) came without a cursor, so Fivetran
   * may have cut the listing short. The listing ends there; worth a warning in the log, not a failure.
   */
  readonly warning: 'full_page_without_cursor' | null;
}

/** Every item of a paged listing, for callers that do not need to stream. */
export async function collectItems<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page.items);
  return items;
}
