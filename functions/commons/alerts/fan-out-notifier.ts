import type { HealthNotifier } from '../ingest/health-notifier.ts';

/**
 * Tells every notifier about each change, all at once. One failing does not stop the others; their
 * failures come back together (an AggregateError), so the store's notifier-error hook logs them.
 */
export function fanOutHealthNotifier(notifiers: readonly HealthNotifier[]): HealthNotifier {
  return {
    async onHealthChange(change) {
      const results = await Promise.allSettled(notifiers.map((n) => n.onHealthChange(change)));
      const failures = results
        .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
        .map((result) => result.reason as unknown);
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1)
        throw new AggregateError(failures, `${failures.length} health notifiers failed`);
    },
  };
}
