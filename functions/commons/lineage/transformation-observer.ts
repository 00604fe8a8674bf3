import type { EventObserver } from '../ingest/record-event.ts';
import { canonicalJson } from '../lib/canonical-json.ts';
import type { ObserverRepositories } from '../store/observer-repositories.ts';
import { TRANSFORMATION_EVENT } from './observed-events.ts';
import { applyTransformationEvent, transformationEventFact } from './transformation-record.ts';

/**
 * Applies `transformation_*` / `dbt_run_*` webhooks to the transformation's record (created when the sweep
 * has not listed it yet), newest fact winning: a redelivery or an older event changes nothing.
 */
export function transformationObserver(deps: {
  readonly repositories: Pick<ObserverRepositories, 'transformations'>;
  readonly now?: () => number;
}): EventObserver {
  const now = deps.now ?? Date.now;
  return {
    async onRecorded({ event }) {
      if (!TRANSFORMATION_EVENT.test(event.event)) return;
      const nowMs = now();
      const fact = transformationEventFact(event, new Date(nowMs).toISOString());
      if (fact === null) return;
      await deps.repositories.transformations.update(fact.transformation_id, (current) => {
        const next = applyTransformationEvent(current, fact, nowMs);
        return current !== null && canonicalJson(current) === canonicalJson(next) ? null : next;
      });
    },
  };
}
