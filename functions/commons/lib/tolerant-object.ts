import type { $ZodShape, $ZodType } from 'zod/v4/core';
import { safeParse } from 'zod/v4/core';

/**
 * Reads an object field by field against a zod shape: every field that validates is kept, every other one
 * takes its fallback. For items this code wrote itself (an older shape, a hand-edited item): one odd
 * attribute must not make a whole connection unreadable. Returns the fields that fell back, for a log line.
 */
export function readFields<T extends Record<string, unknown>>(
  shape: $ZodShape,
  value: unknown,
  fallback: T,
): { readonly value: T; readonly fellBack: readonly string[] } {
  const source = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  const fellBack: string[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const result = safeParse(schema as $ZodType, source[key]);
    if (result.success) out[key] = result.data;
    else {
      out[key] = fallback[key];
      fellBack.push(key);
    }
  }
  return { value: out as T, fellBack };
}
