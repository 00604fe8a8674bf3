/**
 * DynamoDB refuses an item over 400 KB (attribute names count) or nested deeper than 32 levels, with a
 * ValidationException that would otherwise read as "the store is unavailable" and be retried forever. Every
 * write is checked here first, against a conservative bound, so content that can never be stored is told
 * apart from a store that did not answer.
 */
export const MAX_ITEM_BYTES = 350 * 1024;
/** DynamoDB allows 32 levels; the webhook path's bound (`MAX_NESTING` in `parse-event.ts`) is the same. */
export const MAX_ITEM_NESTING = 30;

/** An item this store will not write because of its content (size or nesting): retrying cannot help. */
export class ItemTooLargeError extends Error {
  override name = 'ItemTooLargeError';
}

/** Upper bound of a number's stored size (38 significant digits take 21 bytes). */
const NUMBER_BYTES = 21;
/** Per map or list, plus one byte per element (DynamoDB's published rule). */
const CONTAINER_BYTES = 3;

/**
 * The marshalled size of an item, estimated from above: UTF-8 bytes of every attribute name and string,
 * 21 bytes per number, 1 per boolean or null, 3 per map or list plus 1 per element. Undefined values are
 * dropped as the document client drops them. Iterative, so no depth can overflow the stack; `depth` is the
 * deepest level of nesting found (a top-level scalar attribute is level 0).
 */
export function estimateItem(item: Readonly<Record<string, unknown>>): { bytes: number; depth: number } {
  let bytes = 0;
  let depth = 0;
  const pending: [unknown, number][] = [];
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    bytes += Buffer.byteLength(name);
    pending.push([value, 0]);
  }
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, level] = next;
    if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else if (typeof value === 'number' || typeof value === 'bigint') bytes += NUMBER_BYTES;
    else if (value instanceof Uint8Array) bytes += value.byteLength;
    else if (value === null || typeof value === 'boolean') bytes += 1;
    else if (typeof value === 'object') {
      depth = Math.max(depth, level + 1);
      bytes += CONTAINER_BYTES;
      const entries = Array.isArray(value) ? value.map((v) => ['', v] as const) : Object.entries(value);
      for (const [name, child] of entries) {
        if (child === undefined) continue;
        bytes += 1 + Buffer.byteLength(name);
        pending.push([child, level + 1]);
      }
    }
  }
  return { bytes, depth };
}

/** Why the item cannot be written (one sentence), or null when it fits. */
export function itemProblem(item: Readonly<Record<string, unknown>>): string | null {
  const { bytes, depth } = estimateItem(item);
  if (bytes > MAX_ITEM_BYTES) {
    return `the item would be about ${Math.ceil(bytes / 1024)} KB, over the ${MAX_ITEM_BYTES / 1024} KB this store writes`;
  }
  if (depth > MAX_ITEM_NESTING) {
    return `the item would be nested ${depth} levels deep, over the ${MAX_ITEM_NESTING} this store writes`;
  }
  return null;
}

/** Throws `ItemTooLargeError` when the item cannot be written; call right before a put. */
export function assertItemFits(item: Readonly<Record<string, unknown>>, what: string): void {
  const problem = itemProblem(item);
  if (problem !== null) throw new ItemTooLargeError(`${what}: ${problem}`);
}

/** DynamoDB's own refusal of an item's content (size or nesting), should an estimate ever fall short. */
export function isItemRefused(error: unknown): boolean {
  const failure = error as { name?: unknown; message?: unknown } | null;
  return (
    failure?.name === 'ValidationException' &&
    typeof failure.message === 'string' &&
    /item size|maximum allowed size|nesting levels/i.test(failure.message)
  );
}

/** The item refused for its content, as the typed error; any other failure as it was. */
export function asItemTooLarge(error: unknown, what: string): unknown {
  return isItemRefused(error) ? new ItemTooLargeError(`${what}: ${(error as Error).message}`) : error;
}
