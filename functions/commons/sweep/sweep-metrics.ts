import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SweepMetric } from '../observability/metric-names.ts';
import type { SweepRecord } from '../store/repositories/sweeps.ts';

/**
 * A finished sweep's metrics. `SweepSucceeded` counts every sweep whose listing completed (`succeeded` or
 * `partial`); a `not_configured` sweep counts only as `SweepNotConfigured`, so a fresh deployment raises no
 * error alarm before the operator fills the credential.
 */
export function publishSweepMetrics(metrics: Metrics, record: SweepRecord): void {
  const count = (name: string, value: number) => metrics.addMetric(name, MetricUnit.Count, value);
  if (record.outcome === 'not_configured') {
    count(SweepMetric.SweepNotConfigured, 1);
    return;
  }
  const listed = record.outcome !== 'failed';
  count(SweepMetric.SweepNotConfigured, 0);
  count(SweepMetric.SweepSucceeded, listed ? 1 : 0);
  count(SweepMetric.SweepPartial, record.outcome === 'partial' ? 1 : 0);
  count(SweepMetric.SweepFailed, listed ? 0 : 1);
  count(SweepMetric.ConnectionsSeen, record.connections_seen);
  count(SweepMetric.ItemsWritten, record.items_written);
  count(SweepMetric.ApiRequests, record.requests.total);
  count(SweepMetric.ApiThrottled, record.requests.by_status['429'] ?? 0);
  if (record.webhook_active !== null) count(SweepMetric.WebhookActive, record.webhook_active ? 1 : 0);
}
