/**
 * Sweep Lambda: EventBridge Scheduler runs it on a schedule; the api Lambda invokes it asynchronously with
 * `{ "sweep_id": "…" }` for `POST /api/sweeps`. One sweep of the Fivetran REST API into the table, within
 * the invocation's remaining time. A failed sweep throws, so the function's on-failure destination keeps
 * it; a sweep that finds the lease held by another, or the credential not yet filled in, is not a failure.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadLambdaConfig } from '#commons/config/lambda-config';
import { type SweepWiring, wireSweep } from '#commons/deployed/wire-sweep';
import { logger } from '#commons/observability/logger';
import { metrics } from '#commons/observability/metrics';
import type { SweepRecord } from '#commons/store/repositories/sweeps';
import { runSweep } from '#commons/sweep/run-sweep';
import { isSweepId } from '#commons/sweep/sweep-control';
import { publishSweepMetrics } from '#commons/sweep/sweep-metrics';

/** A sweep that failed: thrown so the asynchronous invocation lands in the failed-work queue. */
export class SweepFailedError extends Error {
  override name = 'SweepFailedError';
}

export type SweepAnswer =
  | { readonly status: 'busy'; readonly running: string }
  | { readonly status: 'finished'; readonly record: SweepRecord };

/** The handler over wiring built on the first invocation. */
export function makeSweepHandler(wire: () => SweepWiring) {
  let wiring: SweepWiring | undefined;
  async function sweepHandler(event: unknown, context: Context): Promise<SweepAnswer> {
    wiring ??= wire();
    const requested = (event as { sweep_id?: unknown } | null)?.sweep_id;
    if (requested !== undefined && !isSweepId(requested)) {
      logger.warn('ignoring a malformed sweep_id; using a fresh one');
    }
    const result = await runSweep({
      ...wiring,
      remainingMs: () => context.getRemainingTimeInMillis(),
      ...(isSweepId(requested) ? { sweepId: requested } : {}),
    });
    if (result.status === 'busy') {
      logger.info('sweep not started: another sweep holds the lease', { running: result.id });
      return { status: 'busy', running: result.id };
    }
    const { record } = result;
    publishSweepMetrics(metrics, record);
    if (record.outcome === 'failed') {
      throw new SweepFailedError(`sweep ${record.id} failed: ${record.error ?? 'unknown error'}`);
    }
    return { status: 'finished', record };
  }
  return middy(sweepHandler)
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

export const handler = makeSweepHandler(() => wireSweep(loadLambdaConfig('sweep')));
