import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { HealthChange, HealthNotifier } from '../ingest/health-notifier.ts';
import type { HealthChangeRepository } from '../store/repositories/health-changes.ts';
import { eventBridgeHealthNotifier } from './eventbridge-notifier.ts';
import { fanOutHealthNotifier } from './fan-out-notifier.ts';
import { healthChangeLog } from './health-change-log.ts';

/**
 * Where a health change goes in every shell: the dashboard's recent changes, a log line (real changes only:
 * a connection first seen is not news), deployed the default EventBridge bus (the e-mail rule), and when
 * alert channels are on, the alert inbox (`alertInboxNotifier`) the alert pass plans from.
 */
export function productHealthNotifier(deps: {
  readonly healthChanges: HealthChangeRepository;
  readonly log: (change: HealthChange) => void;
  readonly eventBridge?: EventBridgeClient;
  readonly alerts?: HealthNotifier | undefined;
}): HealthNotifier {
  return fanOutHealthNotifier([
    ...(deps.eventBridge ? [eventBridgeHealthNotifier(deps.eventBridge)] : []),
    ...(deps.alerts ? [deps.alerts] : []),
    healthChangeLog(deps.healthChanges),
    {
      onHealthChange: (change) => {
        if (change.previous !== null) deps.log(change);
      },
    },
  ]);
}
