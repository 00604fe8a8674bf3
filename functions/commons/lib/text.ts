/**
 * Text copied from a signed but otherwise unchecked body onto connection and sync-run items is clipped:
 * the raw event keeps every byte, while a 250 KB failure reason copied twice onto a connection would pass
 * DynamoDB's 400 KB item limit and make every retry of that delivery fail.
 */
export const MAX_REASON_LENGTH = 4096;
export const MAX_LABEL_LENGTH = 1024;

export function clipText(value: unknown, maxLength: number): string | null {
  if (typeof value !== 'string' || value === '') return null;
  return value.length <= maxLength ? value : `${value.slice(0, maxLength - 1)}…`;
}

/** Like `clipText`, but a short text (the empty one included) is kept exactly as sent; absent is null. */
export function clipKept(value: string | null | undefined, maxLength: number): string | null {
  if (value === null || value === undefined) return null;
  return value.length <= maxLength ? value : (clipText(value, maxLength) as string);
}
