/**
 * Ids arrive in signed but otherwise unchecked bodies. DynamoDB keys must be non-empty and small, so an id
 * that cannot be a key is not used as one (the raw event is still kept).
 */
export const MAX_ID_LENGTH = 512;
export function usableId(id: string | null | undefined): string | null {
  if (!id || id.length > MAX_ID_LENGTH) return null;
  return id;
}
