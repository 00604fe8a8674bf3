import { type CfnElement, CfnOutput, Duration, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from '../lambda-entries.ts';
import { productMetric } from '../product-metrics.ts';
import type { LambdaVpc } from '../stack-options.ts';
import type { EncryptedTopic } from './encrypted-topic.ts';
import { HouseFunction } from './house-function.ts';

/** The API key secret's shape, with no value: the operator fills it (or leaves it empty: no bearer sent). */
export const OPENLINEAGE_KEY_PLACEHOLDER = { apiKey: '' } as const;
/** An event still undelivered after this long raises the alarm (the deliverer retries for hours first). */
export const OLDEST_UNDELIVERED_ALARM_SECONDS = 60 * 60;
/** The partition-key prefix of every lineage outbox item: the only items the deliverer may change. */
export const LINEAGE_ITEM_PREFIX = 'LINEAGE#';

export interface LineageDeliveryProps {
  /** OPENLINEAGE_URL: where events go (https, or http to loopback only with no key). */
  readonly url: string;
  readonly namespace: string | undefined;
  readonly table: ITableV2;
  /** Enqueue events (webhook) and keep naming facts (sweep): both get OPENLINEAGE_URL. */
  readonly webhook: HouseFunction;
  readonly sweep: HouseFunction;
  readonly eventRetentionDays: number;
  readonly logRetention: RetentionDays;
  readonly logKey: IKey | undefined;
  readonly vpc: LambdaVpc | undefined;
  readonly alarmTopic: EncryptedTopic;
  /** Invocations Scheduler could not deliver. */
  readonly deadLetterQueue: IQueue;
}

/**
 * OpenLineage delivery, deployed when `openLineageUrl` is set: the webhook function enqueues events into the
 * table's outbox with the sync's update; this deliverer (EventBridge Scheduler, every minute) sends them
 * with the key from Secrets Manager, so the webhook's answer never waits for the receiver. An alarm fires
 * when the oldest undelivered event is over an hour old (or the deliverer stops reporting).
 */
export class LineageDelivery extends Construct {
  readonly deliverer: HouseFunction;
  readonly apiKey: Secret;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: LineageDeliveryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const namespace: Record<string, string> = props.namespace
      ? { OPENLINEAGE_NAMESPACE: props.namespace }
      : {};
    props.webhook.addEnvironment('OPENLINEAGE_URL', props.url);
    for (const [name, value] of Object.entries(namespace)) props.webhook.addEnvironment(name, value);
    props.sweep.addEnvironment('OPENLINEAGE_URL', props.url);

    this.apiKey = new Secret(this, 'ApiKey', {
      description:
        'OpenLineage endpoint key as {"apiKey":"…"}, sent as a bearer token; empty until the operator fills it (an empty key sends none).',
      secretObjectValue: { apiKey: SecretValue.unsafePlainText(OPENLINEAGE_KEY_PLACEHOLDER.apiKey) },
    });
    Validations.of(this.apiKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'No automatic rotation: the key is issued by the lineage backend (Marquez, DataHub, OpenMetadata), which a Secrets Manager rotation Lambda cannot ask for a new one; the operator replaces it (read again within 5 minutes).',
    });

    this.deliverer = new HouseFunction(this, 'Deliverer', {
      entry: LAMBDA_ENTRIES.lineage,
      description: 'Sends the OpenLineage outbox to OPENLINEAGE_URL (every minute)',
      // A run stops its batches in time (8 POSTs of at most 10 s each per batch).
      timeout: Duration.minutes(2),
      memorySize: 256,
      logRetention: props.logRetention,
      logKey: props.logKey,
      vpc: props.vpc,
      environment: {
        TABLE_NAME: props.table.tableName,
        EVENT_RETENTION_DAYS: String(props.eventRetentionDays),
        OPENLINEAGE_URL: props.url,
        OPENLINEAGE_API_KEY_SECRET_ARN: this.apiKey.secretArn,
        ...namespace,
      },
    });
    this.apiKey.grantRead(this.deliverer);
    // It claims and settles outbox items only: Query on the indexes it lists them by, UpdateItem on items
    // whose partition key is an outbox item's (never a connection's, never a put or a delete).
    this.deliverer.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/*`],
      }),
    );
    this.deliverer.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${LINEAGE_ITEM_PREFIX}*`] } },
      }),
    );
    const tableLogicalId = stack.getLogicalId(props.table.node.defaultChild as CfnElement);
    Validations.of(this.deliverer.role ?? this.deliverer).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
      reason:
        "Queries on the table's own global secondary indexes (the outbox's due and undelivered listings live in gsi1 and gsi2): the wildcard covers only indexes of this one table.",
    });
    Validations.of(this.deliverer).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Runs every minute and keeps nothing in the invocation: a failed run is the next run’s work (the events stay in the outbox), and failures raise the function’s errors alarm and the oldest-undelivered alarm.',
    });
    this.deliverer.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    Validations.of(this.deliverer).acknowledge({
      id: 'Serverless-LambdaAsyncFailureDestination',
      reason:
        'No failure destination on purpose: a failed run loses nothing (the events stay in the outbox for the next run a minute later), and a message per failed minute would only bury the failed-work queue; the errors alarm reports it.',
    });

    const role = new Role(this, 'InvokeRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Lets EventBridge Scheduler start the OpenLineage deliverer',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.deliverer.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        'CDK grants lambda:InvokeFunction on the deliverer and its qualified ARNs (versions/aliases, ":*"); the wildcard covers only this one function.',
    });
    new Schedule(this, 'Schedule', {
      description: 'Delivers the OpenLineage outbox every minute',
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.deliverer, {
        role,
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
        deadLetterQueue: props.deadLetterQueue,
      }),
    });

    this.alarm = new Alarm(this, 'OldestUndelivered', {
      alarmName: `${stack.stackName}-lineage-undelivered`,
      alarmDescription: `An OpenLineage event has waited over ${OLDEST_UNDELIVERED_ALARM_SECONDS / 60} min (or the deliverer stopped reporting): the receiver at OPENLINEAGE_URL refuses or is down, or its key is wrong. Read the deliverer's log; a given-up event stays in the outbox.`,
      metric: productMetric('LineageOldestUndeliveredAgeSeconds', Duration.minutes(5)).with({
        statistic: 'Maximum',
      }),
      threshold: OLDEST_UNDELIVERED_ALARM_SECONDS,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.BREACHING,
    });
    const action = new SnsAction(props.alarmTopic);
    this.alarm.addAlarmAction(action);
    this.alarm.addOkAction(action);

    new CfnOutput(stack, 'OpenLineageApiKeySecretArn', {
      value: this.apiKey.secretArn,
      description: 'Fill with {"apiKey":"…"} when the OpenLineage endpoint needs a bearer key',
    });
  }
}
