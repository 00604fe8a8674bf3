/**
 * The store did not answer (network, timeout, throttling, a 5xx, or writers that kept colliding): nothing
 * is wrong with the request, so the caller answers 503 and is retried.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/** Concurrent writers kept winning the optimistic-concurrency race. */
export class StoreConflictError extends StoreUnavailableError {
  override name = 'StoreConflictError';
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/**
 * Whether a failure means "the store did not answer" (see `StoreUnavailableError`): any answer or transport
 * failure from the DynamoDB client (they carry `$metadata`), a network error, or colliding writers.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const failure = error as { $metadata?: unknown; code?: unknown } | null;
  if (failure === null || typeof failure !== 'object') return false;
  return failure.$metadata !== undefined || NETWORK_CODES.has(String(failure.code));
}
