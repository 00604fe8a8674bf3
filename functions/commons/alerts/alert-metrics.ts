import type { AlertPassReport } from './alert-pass.ts';

/**
 * The alerts function's metric names (no Powertools import, so the stack reads them too) and what one
 * pass reports. `AlertsDead` counts messages given up on this pass: dropped after their attempts, refused
 * by their channel (4xx), or queued for a channel no longer configured; the stack alarms on it and on
 * `AlertOldestPendingSeconds`, how long the most overdue undelivered message has waited.
 */
export const AlertMetric = {
  AlertsPlanned: 'AlertsPlanned',
  AlertsDelivered: 'AlertsDelivered',
  AlertsRetried: 'AlertsRetried',
  AlertsDead: 'AlertsDead',
  AlertOldestPendingSeconds: 'AlertOldestPendingSeconds',
  AlertsMisconfigured: 'AlertsMisconfigured',
} as const;
export type AlertMetricName = (typeof AlertMetric)[keyof typeof AlertMetric];

export interface AlertMetricValue {
  readonly name: AlertMetricName;
  readonly unit: 'Count' | 'Seconds';
  readonly value: number;
}

export function alertPassMetrics(report: AlertPassReport): AlertMetricValue[] {
  const { delivery } = report;
  return [
    { name: AlertMetric.AlertsPlanned, unit: 'Count', value: report.planning.planned },
    { name: AlertMetric.AlertsDelivered, unit: 'Count', value: delivery.delivered },
    { name: AlertMetric.AlertsRetried, unit: 'Count', value: delivery.retried },
    {
      name: AlertMetric.AlertsDead,
      unit: 'Count',
      value: delivery.dropped + delivery.refused + delivery.unconfigured,
    },
    { name: AlertMetric.AlertOldestPendingSeconds, unit: 'Seconds', value: report.oldestPendingSeconds },
  ];
}
