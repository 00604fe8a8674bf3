/**
 * Alerts Lambda: EventBridge Scheduler runs it every minute. One alert pass over the table: plan the health
 * changes the webhook and sweep kept, add the digest and pause reminders when due, deliver what is due to
 * Slack, Teams and PagerDuty (URLs and keys from the alert secret), and report metrics for its alarm. A store
 * that does not answer fails the invocation (the failed-work queue keeps it; the next minute retries); a
 * misconfigured secret is logged and counted, not thrown, so it does not fill that queue every minute.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AlertMetric, alertPassMetrics } from '#commons/alerts/alert-metrics';
import type { AlertLogger } from '#commons/alerts/alert-model';
import { type AlertPassReport, runAlertPass } from '#commons/alerts/alert-pass';
import { ConfigError } from '#commons/config/env';
import { type AlertsWiring, loadAlertsLambdaConfig, wireAlerts } from '#commons/deployed/wire-alerts';
import { logger } from '#commons/observability/logger';
import { MetricUnit, metrics } from '#commons/observability/metrics';

export type AlertsAnswer =
  | { readonly status: 'misconfigured'; readonly message: string }
  | {
      readonly status: 'done';
      readonly planned: number;
      readonly delivered: number;
      readonly retried: number;
      readonly dead: number;
      readonly oldest_pending_seconds: number;
    };

function answer(report: AlertPassReport): AlertsAnswer {
  const { delivery } = report;
  return {
    status: 'done',
    planned: report.planning.planned,
    delivered: delivery.delivered,
    retried: delivery.retried,
    dead: delivery.dropped + delivery.refused + delivery.unconfigured,
    oldest_pending_seconds: report.oldestPendingSeconds,
  };
}

/** The alert core's logger over Powertools' (fields as one structured object). */
const alertLogger: AlertLogger = {
  info: (message, fields = {}) => logger.info(message, fields),
  warn: (message, fields = {}) => logger.warn(message, fields),
  error: (message, fields = {}) => logger.error(message, fields),
};

/** The handler over wiring built on the first invocation. */
export function makeAlertsHandler(wire: () => AlertsWiring) {
  let wiring: AlertsWiring | undefined;
  async function alertsHandler(_event: unknown, context: Context): Promise<AlertsAnswer> {
    let config: Awaited<ReturnType<AlertsWiring['alertConfig']>>;
    try {
      wiring ??= wire();
      config = await wiring.alertConfig();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      logger.error('alerts function is misconfigured', { message: error.message });
      metrics.addMetric(AlertMetric.AlertsMisconfigured, MetricUnit.Count, 1);
      return { status: 'misconfigured', message: error.message };
    }
    const report = await runAlertPass({
      repositories: wiring.repositories,
      config,
      logger: alertLogger,
      settleMs: wiring.settleMs,
      remainingMs: () => context.getRemainingTimeInMillis(),
    });
    for (const metric of alertPassMetrics(report)) {
      metrics.addMetric(
        metric.name,
        metric.unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count,
        metric.value,
      );
    }
    const result = answer(report);
    if (report.planning.planned + report.delivery.claimed > 0) logger.info('alert pass', { ...result });
    return result;
  }
  return middy(alertsHandler)
    .use(injectLambdaContext(logger, { logEvent: false }))
    .use(logMetrics(metrics, { captureColdStartMetric: true }));
}

export const handler = makeAlertsHandler(() => wireAlerts(loadAlertsLambdaConfig()));
