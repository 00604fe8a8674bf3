import type { EventObserver } from './record-event.ts';

/**
 * An observer built on the first event it cares about: the webhook function loads the lineage and
 * transformation code (and its shapes) only when such an event comes, so other deliveries' cold starts stay
 * as they were. A failed load is retried on the next event (and fails this delivery: 503, Fivetran retries).
 */
export function lazyObserver(
  relevant: (event: string) => boolean,
  load: () => Promise<EventObserver>,
): EventObserver {
  let loaded: Promise<EventObserver> | null = null;
  return {
    async onRecorded(recorded) {
      if (!relevant(recorded.event.event)) return;
      loaded ??= load().catch((error: unknown) => {
        loaded = null;
        throw error;
      });
      await (await loaded).onRecorded(recorded);
    },
  };
}
