import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../functions/commons/powertools/constants.ts';

/**
 * The product's own metrics, as the Lambdas publish them with Powertools Metrics (EMF): one namespace, the
 * Powertools default dimension `service`, and these names. Alarms and the dashboard read them from here.
 */
export const METRIC_NAMESPACE = METRICS_NAMESPACE;
export { SERVICE_NAME };

export const METRIC_NAMES = [
  'EventStored',
  'DuplicateIgnored',
  'SignatureInvalid',
  'EventQuarantined',
  'ProbeAnswered',
  'ConnectionsSeen',
  'ItemsWritten',
  'ApiRequests',
  'ApiThrottled',
  'SweepSucceeded',
  'SweepFailed',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

/** A product metric summed over `period` (every product metric is a count). */
export function productMetric(name: MetricName, period: Duration = Duration.minutes(5)): Metric {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: 'Sum',
    period,
  });
}
