import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from './constants.ts';

/** The one configured metrics instance (EMF, flushed by the middy middleware). */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

export * from './metric-names.ts';
export { MetricUnit };
