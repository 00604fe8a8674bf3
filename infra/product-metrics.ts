import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { AlertMetric, type AlertMetricName } from '../functions/commons/alerts/alert-metrics.ts';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../functions/commons/observability/constants.ts';
import {
  LineageMetric,
  type LineageMetricName,
  SweepMetric,
  type SweepMetricName,
  WebhookMetric,
  type WebhookMetricName,
} from '../functions/commons/observability/metric-names.ts';

/**
 * The product's own metrics, as the Lambdas publish them with Powertools Metrics (EMF): one namespace, the
 * Powertools default dimension `service`, and these names. Alarms and the dashboard read them from here.
 */
export const METRIC_NAMESPACE = METRICS_NAMESPACE;
export { SERVICE_NAME };

export const METRIC_NAMES = [...Object.values(WebhookMetric), ...Object.values(SweepMetric)];
/** Published only where the OpenLineage deliverer is deployed (the `openLineageUrl` option). */
export const LINEAGE_METRIC_NAMES = Object.values(LineageMetric);

/** Published only where alert channels are configured (the `alertChannels` option). */
export const ALERT_METRIC_NAMES = Object.values(AlertMetric);

export type MetricName = WebhookMetricName | SweepMetricName | LineageMetricName | AlertMetricName;

/** A product metric summed over `period` (`WebhookActive` is a 0/1 gauge: its dashboard graph uses Minimum). */
export function productMetric(name: MetricName, period: Duration = Duration.minutes(5)): Metric {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: 'Sum',
    period,
  });
}
