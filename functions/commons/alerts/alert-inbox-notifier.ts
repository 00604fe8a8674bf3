import type { HealthChange, HealthNotifier } from '../ingest/health-notifier.ts';
import type { AlertChangeRecorder } from '../store/repositories/alert-inbox.ts';

/**
 * The writers' side of alerts: each health change worth planning is kept in the table right after the
 * connection write that made it, and the alert pass (the local server's timer, the deployed alerts function)
 * plans and sends it. Only a put on the push path: no noise rules, settings or channel secrets there, and the
 * webhook bundle stays on zod/mini. A failing put fails this notifier, which the writer logs.
 *
 * A connection first seen healthy or pending is not news (a large account's first sweep is not a storm);
 * first seen failing, delayed or paused is (the noise rules decide, and a pause schedules its reminder).
 */
export function isWorthPlanning(change: HealthChange): boolean {
  return change.previous !== null || ['failing', 'delayed', 'paused'].includes(change.health);
}

export function alertInboxNotifier(
  recorder: AlertChangeRecorder,
  options: { readonly now?: () => number; readonly onRecorded?: () => void } = {},
): HealthNotifier {
  const now = options.now ?? Date.now;
  return {
    async onHealthChange(change) {
      if (!isWorthPlanning(change)) return;
      const recorded = await recorder.record(
        {
          connection_id: change.connection_id,
          group_id: change.group_id,
          service: change.service,
          schema: change.schema,
          previous: change.previous,
          health: change.health,
          health_reason: change.health_reason,
          changed_at: change.changed_at,
        },
        now(),
      );
      if (recorded) options.onRecorded?.();
    },
  };
}
