import { type CfnElement, Duration, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlertMetric, type AlertMetricName } from '../../functions/commons/alerts/alert-metrics.ts';
import type { AlertOptions } from '../alert-options.ts';
import { LAMBDA_ENTRIES } from '../lambda-entries.ts';
import { METRIC_NAMESPACE, SERVICE_NAME } from '../product-metrics.ts';
import type { LambdaVpc } from '../stack-options.ts';
import { grantTableAccess } from '../table-access.ts';
import type { EncryptedTopic } from './encrypted-topic.ts';
import { HouseFunction } from './house-function.ts';

/**
 * The channel secret's value as the stack creates it: the three names, empty. NEVER CHANGE IT: a changed
 * template value would overwrite the URLs and key the operator put in on the next deploy. (A test pins it.)
 */
export const ALERT_SECRET_PLACEHOLDER = {
  SLACK_WEBHOOK_URL: '',
  TEAMS_WEBHOOK_URL: '',
  PAGERDUTY_ROUTING_KEY: '',
} as const;

/** The alerts function's errors alarm (kept with the other functions' in OperationalAlarms) says this. */
export const ALERTS_ERRORS_NOTE =
  'The alerts function failed (the table did not answer, or a timeout). Nothing is lost: the next pass retries. Read its log group.';

/** An undelivered alert waiting longer than this past its due time raises the overdue alarm. */
export const ALERT_OVERDUE_SECONDS = 30 * 60;

export interface AlertDeliveryProps {
  readonly options: AlertOptions;
  readonly table: ITableV2;
  readonly eventRetentionDays: number;
  readonly logRetention: RetentionDays;
  readonly logKey: IKey | undefined;
  readonly vpc: LambdaVpc | undefined;
  /** Invocations Scheduler could not deliver, and passes that failed (the store did not answer). */
  readonly failureQueue: IQueue;
  readonly alarmTopic: EncryptedTopic;
}

function alertMetric(name: AlertMetricName, statistic: string): Metric {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: SERVICE_NAME },
    statistic,
    period: Duration.minutes(5),
  });
}

/**
 * Slack, Teams and PagerDuty alerts deployed (context `alertChannels`): the one channel secret, the alerts
 * function (plans the health changes the writers kept, sends the digest and pause reminders, delivers due
 * messages), EventBridge Scheduler running it every minute, and its alarms (messages given up on, messages
 * overdue, a misconfigured secret, the function failing).
 */
export class AlertDelivery extends Construct {
  readonly secret: Secret;
  readonly function: HouseFunction;
  readonly schedule: Schedule;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlertDeliveryProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.secret = new Secret(this, 'ChannelSecret', {
      description:
        'Alert channels as {"SLACK_WEBHOOK_URL":"…","TEAMS_WEBHOOK_URL":"…","PAGERDUTY_ROUTING_KEY":"…"}; empty until the operator fills it (see the operator guide, "Alerts").',
      secretObjectValue: Object.fromEntries(
        Object.entries(ALERT_SECRET_PLACEHOLDER).map(([key, value]) => [
          key,
          SecretValue.unsafePlainText(value),
        ]),
      ),
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'No automatic rotation: the values are a Slack or Teams webhook URL and a PagerDuty integration key that only those services issue; a Secrets Manager rotation Lambda cannot mint them. The operator guide gives the replacement steps.',
    });

    this.function = new HouseFunction(this, 'Function', {
      entry: LAMBDA_ENTRIES.alerts,
      description:
        'Plans health changes into Slack, Teams and PagerDuty alerts and delivers them (every minute)',
      // Under the one-minute schedule: a pass stops sending in time (it reads its remaining time).
      timeout: Duration.seconds(55),
      memorySize: 256,
      logRetention: props.logRetention,
      logKey: props.logKey,
      vpc: props.vpc,
      environment: {
        TABLE_NAME: props.table.tableName,
        ALERT_SECRET_ARN: this.secret.secretArn,
        ALERT_CHANNELS: props.options.channels.join(','),
        EVENT_RETENTION_DAYS: String(props.eventRetentionDays),
        ...props.options.environment,
      },
    });
    grantTableAccess(props.table, 'alerts', this.function);
    this.secret.grantRead(this.function);
    // A failed pass is not retried blindly: the next minute's pass picks everything up from the table.
    this.function.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
      onFailure: new SqsDestination(props.failureQueue),
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Failed asynchronous invocations go to the on-failure destination (the failed-work queue), which unlike a dead-letter queue also records the error.',
    });
    const tableLogicalId = stack.getLogicalId(props.table.node.defaultChild as CfnElement);
    Validations.of(this.function.role ?? this.function).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
      reason:
        "Queries on the table's own global secondary indexes (the alert listings live in gsi1 and gsi2): the wildcard covers only indexes of this one table.",
    });

    const role = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Lets EventBridge Scheduler start the alert pass',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.function.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        'CDK grants lambda:InvokeFunction on the alerts function and its qualified ARNs (versions/aliases, ":*"); the wildcard covers only this one function.',
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Runs the alert pass every minute',
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.function, {
        role,
        retryAttempts: 0,
        // A pass older than a minute is moot: the next one is already due.
        maxEventAge: Duration.minutes(1),
        deadLetterQueue: props.failureQueue,
      }),
    });

    const action = new SnsAction(props.alarmTopic);
    const add = (name: string, metric: IMetric, threshold: number, description: string) => {
      const alarm = new Alarm(this, name, {
        alarmName: `${stack.stackName}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };
    add(
      'alerts-dead',
      alertMetric(AlertMetric.AlertsDead, Stats.SUM),
      1,
      'An alert was given up on: refused by its channel (4xx: a deleted Slack/Teams webhook, a wrong PagerDuty key), dropped after its retries, or queued for a channel no longer configured. The alerts log says which channel; fix the alert secret, then run "fivetran-metadata alerts test --secret-id <AlertSecretArn>".',
    );
    add(
      'alerts-overdue',
      alertMetric(AlertMetric.AlertOldestPendingSeconds, Stats.MAXIMUM),
      ALERT_OVERDUE_SECONDS,
      `An alert has waited more than ${ALERT_OVERDUE_SECONDS / 60} minutes past its due time: a channel keeps answering 429/5xx, or the alert pass is not running (check its log, its schedule and the failed-work queue).`,
    );
    add(
      'alerts-misconfigured',
      alertMetric(AlertMetric.AlertsMisconfigured, Stats.SUM),
      1,
      'The alerts function cannot read its settings: the alert secret is not the JSON it expects, holds a malformed URL or key, or cannot be read. Its log names the problem (never the values).',
    );
  }
}
