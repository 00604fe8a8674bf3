/**
 * OpenLineage deliverer Lambda: EventBridge Scheduler runs it every minute. It sends the outbox's due events
 * to OPENLINEAGE_URL (the key from Secrets Manager), retries with backoff, and reports the age of the oldest
 * event not delivered yet (the stack alarms on it). The webhook never waits for the receiver.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadLambdaConfig } from '#commons/config/lambda-config';
import { type LineageRun, type LineageWiring, wireLineage } from '#commons/deployed/wire-lineage';
import { logger } from '#commons/observability/logger';
import { LineageMetric, MetricUnit, metrics } from '#commons/observability/metrics';

/** The handler over wiring built on the first invocation. */
export function makeLineageHandler(wire: () => LineageWiring, now: () => number = Date.now) {
  let wiring: LineageWiring | undefined;
  async function lineageHandler(_event: unknown, context: Context): Promise<LineageRun> {
    wiring ??= wire();
    const run = await wiring.run(() => context.getRemainingTimeInMillis());
    const ageSeconds =
      run.oldestUndelivered === null ? 0 : Math.max(0, (now() - Date.parse(run.oldestUndelivered)) / 1000);
    metrics.addMetric(LineageMetric.EventsDelivered, MetricUnit.Count, run.delivered);
    metrics.addMetric(LineageMetric.EventsRetried, MetricUnit.Count, run.retried);
    metrics.addMetric(LineageMetric.EventsDead, MetricUnit.Count, run.dead);
    metrics.addMetric(LineageMetric.OldestUndeliveredAgeSeconds, MetricUnit.Seconds, Math.round(ageSeconds));
    if (run.claimed > 0) logger.info('lineage delivery run', { run });
    return run;
  }
  return middy(lineageHandler)
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

export const handler = makeLineageHandler(() => wireLineage(loadLambdaConfig('lineage')));
