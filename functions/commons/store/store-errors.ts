/** Concurrent writers kept winning the optimistic-concurrency race: the caller answers 503 and is retried. */
export class StoreConflictError extends Error {
  override name = 'StoreConflictError';
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';
}
