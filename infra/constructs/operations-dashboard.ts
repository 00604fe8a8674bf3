import { Duration, Stack } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IWidget,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  ALERT_METRIC_NAMES,
  LINEAGE_METRIC_NAMES,
  type MetricName,
  productMetric,
} from '../product-metrics.ts';

export interface OperationsDashboardProps {
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly stage: Stage;
  readonly failureQueue: IQueue;
  readonly alarms: readonly Alarm[];
  /** Whether the alerts function and the OpenLineage deliverer are deployed: their metrics get a row. */
  readonly alerts: boolean;
  readonly lineage: boolean;
}

const PERIOD = Duration.minutes(5);

/** One dashboard: alarm states first, then webhooks, sweeps, the read API, the functions, alerts and lineage. */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: stackName,
      defaultInterval: Duration.days(1),
    });

    const product = (title: string, names: MetricName[]): GraphWidget =>
      new GraphWidget({
        title,
        width: 12,
        left: names.map((name) => productMetric(name, PERIOD).with({ label: name })),
      });
    const labelled = Object.entries(props.functions);

    const rows: IWidget[][] = [
      [
        new TextWidget({
          markdown: `# ${stackName}\nFivetran webhooks in, sweeps of the Fivetran REST API, the read API. Runbook: docs/operator-guide.md.`,
          width: 24,
          height: 2,
        }),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 4 })],
      [
        product('Webhook deliveries', [
          'EventStored',
          'DuplicateIgnored',
          'ProbeAnswered',
          'SignatureInvalid',
          'EventQuarantined',
          'BodyTooLarge',
          'StoreUnavailable',
        ]),
        product('Sweeps', [
          'SweepSucceeded',
          'SweepPartial',
          'SweepFailed',
          'SweepNotConfigured',
          'ConnectionsSeen',
          'ItemsWritten',
          'WebhookActive',
        ]),
      ],
      [
        product('Fivetran API (sweep requests)', ['ApiRequests', 'ApiThrottled']),
        new GraphWidget({
          title: 'API Gateway (all routes)',
          width: 12,
          left: [
            props.stage.metricCount({ period: PERIOD, statistic: Stats.SUM, label: 'requests' }),
            props.stage.metricClientError({ period: PERIOD, statistic: Stats.SUM, label: '4xx' }),
            props.stage.metricServerError({ period: PERIOD, statistic: Stats.SUM, label: '5xx' }),
          ],
          right: [
            props.stage.metricLatency({ period: PERIOD, statistic: Stats.p(99), label: 'latency p99 (ms)' }),
          ],
        }),
      ],
      [
        new GraphWidget({
          title: 'Function errors',
          width: 8,
          left: labelled.map(([name, fn]) =>
            fn.metricErrors({ period: PERIOD, statistic: Stats.SUM, label: name }),
          ),
        }),
        new GraphWidget({
          title: 'Function duration p99 (ms)',
          width: 8,
          left: labelled.map(([name, fn]) =>
            fn.metricDuration({ period: PERIOD, statistic: Stats.p(99), label: name }),
          ),
        }),
        new GraphWidget({
          title: 'Failed-work queue depth',
          width: 8,
          left: [
            props.failureQueue.metricApproximateNumberOfMessagesVisible({
              period: PERIOD,
              statistic: Stats.MAXIMUM,
              label: 'messages',
            }),
          ],
        }),
      ],
    ];
    const optional = [
      ...(props.alerts ? [product('Alerts (Slack, Teams, PagerDuty)', ALERT_METRIC_NAMES)] : []),
      ...(props.lineage ? [product('OpenLineage delivery', LINEAGE_METRIC_NAMES)] : []),
    ];
    if (optional.length > 0) rows.push(optional);
    for (const row of rows) this.dashboard.addWidgets(...row);
  }
}
