import type { EventObserver } from '../ingest/record-event.ts';
import type { ObserverRepositories } from '../store/observer-repositories.ts';
import { lineageObserver } from './lineage-observer.ts';
import { observedEvent } from './observed-events.ts';
import { transformationObserver } from './transformation-observer.ts';

export interface ProductObserverOptions {
  /** OpenLineage is on (OPENLINEAGE_URL set): its job namespace (null: `fivetran://<account_id>`). */
  readonly openLineage: { readonly namespace: string | null } | null;
  readonly now?: () => number;
}

/**
 * What every shell passes the event recorder as `observers`: transformation status from its webhooks, and
 * OpenLineage events into the outbox when configured. Run one after the other; a failure fails the delivery.
 */
export function productEventObserver(
  repositories: ObserverRepositories,
  options: ProductObserverOptions,
): EventObserver {
  const now = options.now ? { now: options.now } : {};
  const observers: EventObserver[] = [transformationObserver({ repositories, ...now })];
  if (options.openLineage !== null) {
    observers.push(lineageObserver({ repositories, namespace: options.openLineage.namespace, ...now }));
  }
  const relevant = observedEvent(options);
  return {
    async onRecorded(recorded) {
      if (!relevant(recorded.event.event)) return;
      for (const observer of observers) await observer.onRecorded(recorded);
    },
  };
}
