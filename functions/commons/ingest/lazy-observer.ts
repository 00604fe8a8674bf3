import type { EventObserver } from './record-event.ts';

/**
 * An observer built on the first event it cares about: the webhook function builds the lineage and
 * transformation observers (and checks their configuration) only when such an event comes, so other
 * deliveries never depend on them. A failed build is retried on the next event (and fails this delivery:
 * 503, Fivetran retries).
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
