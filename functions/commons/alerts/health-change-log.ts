import type { HealthNotifier } from '../ingest/health-notifier.ts';
import type { HealthChangeEntry, HealthChangeRepository } from '../store/repositories/health-changes.ts';
import { healthChangeDetail } from './eventbridge-notifier.ts';

/**
 * A notifier that keeps the last real changes for the dashboard. A connection seen for the first time
 * (`previous` null) is not a change: the first sweep of a large account would otherwise flood the list.
 */
export function healthChangeLog(changes: HealthChangeRepository): HealthNotifier {
  return {
    async onHealthChange(change) {
      if (change.previous === null) return;
      await changes.append(healthChangeDetail(change) as unknown as HealthChangeEntry);
    },
  };
}
