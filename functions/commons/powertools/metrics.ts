import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from './constants.ts';

/** The one configured metrics instance (EMF, flushed by the middy middleware). */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

/** Webhook metric names; the stack's alarms and dashboard use the same names. */
export const WebhookMetric = {
  EventStored: 'EventStored',
  DuplicateIgnored: 'DuplicateIgnored',
  SignatureInvalid: 'SignatureInvalid',
  EventQuarantined: 'EventQuarantined',
  ProbeAnswered: 'ProbeAnswered',
  BodyTooLarge: 'BodyTooLarge',
  StoreUnavailable: 'StoreUnavailable',
} as const;
export type WebhookMetricName = (typeof WebhookMetric)[keyof typeof WebhookMetric];

export { MetricUnit };
