/** Metric names only (no Powertools import), so the CDK stack can read them without loading the SDKs. */

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

/**
 * Sweep metric names; the stack's alarms and dashboard use the same names. `SweepSucceeded` counts every
 * sweep whose connection listing completed (outcome `succeeded` or `partial`: the account was brought up to
 * date; a `partial` one only left schema summaries for the next sweep), `SweepPartial` those among them that
 * stopped early, `SweepFailed` the rest; `SweepNotConfigured` a sweep that found the stack's empty placeholder
 * credential. `WebhookActive` is 1/0 when a registered webhook was checked.
 */
export const SweepMetric = {
  SweepSucceeded: 'SweepSucceeded',
  SweepPartial: 'SweepPartial',
  SweepFailed: 'SweepFailed',
  SweepNotConfigured: 'SweepNotConfigured',
  ConnectionsSeen: 'ConnectionsSeen',
  ItemsWritten: 'ItemsWritten',
  ApiRequests: 'ApiRequests',
  ApiThrottled: 'ApiThrottled',
  WebhookActive: 'WebhookActive',
} as const;
export type SweepMetricName = (typeof SweepMetric)[keyof typeof SweepMetric];

/**
 * OpenLineage deliverer metric names: events sent, retried and given up per run, and the age of the oldest
 * event not delivered yet (0 when none): the stack alarms on it.
 */
export const LineageMetric = {
  EventsDelivered: 'LineageEventsDelivered',
  EventsRetried: 'LineageEventsRetried',
  EventsDead: 'LineageEventsDead',
  OldestUndeliveredAgeSeconds: 'LineageOldestUndeliveredAgeSeconds',
} as const;
export type LineageMetricName = (typeof LineageMetric)[keyof typeof LineageMetric];
