import {
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Construct } from 'constructs';
import { EncryptedTopic } from './constructs/encrypted-topic.ts';
import { FailureQueue } from './constructs/failure-queue.ts';
import { FivetranSecrets } from './constructs/fivetran-secrets.ts';
import { HEALTH_EVENT_DETAIL_TYPE, HEALTH_EVENT_SOURCE, HealthAlerts } from './constructs/health-alerts.ts';
import { HouseFunction } from './constructs/house-function.ts';
import { MetadataApi } from './constructs/metadata-api.ts';
import { MetadataTable } from './constructs/metadata-table.ts';
import { OperationalAlarms } from './constructs/operational-alarms.ts';
import { OperationsDashboard } from './constructs/operations-dashboard.ts';
import { SweepSchedule } from './constructs/sweep-schedule.ts';
import { LAMBDA_ENTRIES } from './lambda-entries.ts';
import type { StackOptions } from './stack-options.ts';

export interface FivetranMetadataStackProps extends StackProps {
  readonly options: StackOptions;
}

/**
 * Reserved concurrency when the operator opts in: enough webhook instances for Fivetran's hourly burst,
 * a few for operators' reads, and two sweeps (a scheduled one and one started by POST /api/sweeps; the
 * lease in the table lets only one of them work).
 */
export const RESERVED_CONCURRENCY = { webhook: 20, api: 5, sweep: 2 } as const;

/**
 * The deployed product: API Gateway in front of the webhook and api functions, EventBridge Scheduler in
 * front of the sweep, one DynamoDB table, two secrets, health-change events on the default bus, alarms
 * and a dashboard.
 */
export class FivetranMetadataStack extends Stack {
  constructor(scope: Construct, id: string, props: FivetranMetadataStackProps) {
    super(scope, id, props);
    const { options } = props;
    const sweepRate = Duration.minutes(options.sweepRateMinutes);
    const reserve = (name: keyof typeof RESERVED_CONCURRENCY) =>
      options.reservedConcurrency ? RESERVED_CONCURRENCY[name] : undefined;

    const table = new MetadataTable(this, 'Table', { removalPolicy: options.tableRemovalPolicy });
    const secrets = new FivetranSecrets(this, 'Secrets');
    const failureQueue = new FailureQueue(this, 'FailedWork');
    const retention = { EVENT_RETENTION_DAYS: String(options.eventRetentionDays) };

    const sweep = new HouseFunction(this, 'Sweep', {
      entry: LAMBDA_ENTRIES.sweep,
      description: 'Sweeps the Fivetran REST API into the table (scheduled, or started by POST /api/sweeps)',
      // The most Lambda allows; the sweep reads its remaining time from the context and stops in time.
      timeout: Duration.minutes(15),
      memorySize: 512,
      logRetention: options.logRetention,
      reservedConcurrentExecutions: reserve('sweep'),
      environment: {
        TABLE_NAME: table.tableName,
        API_CREDENTIAL_SECRET_ARN: secrets.apiCredential.secretArn,
        SCHEMA_REQUEST_BUDGET: String(options.schemaRequestBudget),
        ...retention,
      },
    });
    // Asynchronous only (Scheduler, the api function): a failed sweep is not retried blindly (the next
    // scheduled one heals), it is recorded in the failed-work queue, which raises an alarm.
    sweep.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.seconds(Math.max(60, sweepRate.toSeconds())),
      onFailure: new SqsDestination(failureQueue),
    });
    table.grantReadWriteData(sweep);
    secrets.apiCredential.grantRead(sweep);
    Validations.of(sweep).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Failed asynchronous invocations go to the on-failure destination (the failed-work queue), which unlike a dead-letter queue also records the error.',
    });

    const webhook = new HouseFunction(this, 'Webhook', {
      entry: LAMBDA_ENTRIES.webhook,
      description: 'Verifies and stores signed Fivetran webhook deliveries',
      // Fivetran waits 10 s for an answer; past that it has already given up and will retry.
      timeout: Duration.seconds(10),
      // More memory is more CPU: shorter cold starts on the path Fivetran times.
      memorySize: 512,
      logRetention: options.logRetention,
      reservedConcurrentExecutions: reserve('webhook'),
      environment: {
        TABLE_NAME: table.tableName,
        WEBHOOK_SECRET_ARN: secrets.webhookSigningSecret.secretArn,
        ...retention,
      },
    });
    table.grantReadWriteData(webhook);
    secrets.webhookSigningSecret.grantRead(webhook);

    const api = new HouseFunction(this, 'Api', {
      entry: LAMBDA_ENTRIES.api,
      description: 'Serves the read API behind IAM (/api/*)',
      timeout: Duration.seconds(10),
      memorySize: 512,
      logRetention: options.logRetention,
      reservedConcurrentExecutions: reserve('api'),
      environment: {
        TABLE_NAME: table.tableName,
        SWEEP_FUNCTION_NAME: sweep.functionName,
        // Reads skip expired raw events themselves (TTL deletes lazily).
        ...retention,
      },
    });
    table.grantReadData(api);
    // Exactly the unqualified function: no versions or aliases, so no `:*` wildcard.
    api.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: [sweep.functionArn],
      }),
    );

    for (const fn of [webhook, api]) {
      Validations.of(fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked only synchronously by API Gateway, where a dead-letter queue never applies: the caller gets the error (Fivetran retries a 5xx for about a day).',
      });
    }
    for (const fn of [webhook, sweep]) allowHealthEvents(fn);
    const tableLogicalId = this.getLogicalId(table.node.defaultChild as CfnElement);
    for (const fn of [webhook, sweep, api]) {
      Validations.of(fn.role ?? fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
        reason:
          "Queries on the table's own global secondary indexes (gsi1, gsi2, and any added to table-definition.ts): the wildcard covers only indexes of this one table.",
      });
    }

    new SweepSchedule(this, 'SweepSchedule', {
      sweepFunction: sweep,
      rate: sweepRate,
      deadLetterQueue: failureQueue,
    });

    const metadataApi = new MetadataApi(this, 'Http', {
      stage: options.stage,
      webhookFunction: webhook,
      apiFunction: api,
      logRetention: options.logRetention,
      executionLogging: options.apiExecutionLogging,
    });

    // One customer-managed key for the topics: CloudWatch and EventBridge must be able to encrypt to them.
    const topicKey = new Key(this, 'TopicKey', {
      description: 'Encrypts the fivetran-metadata SNS topics (alarms, health alerts)',
      enableKeyRotation: true,
      // Nothing is stored under it (SNS only encrypts messages in flight through the topic).
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const alarmTopic = new EncryptedTopic(this, 'AlarmTopic', {
      displayName: 'Fivetran metadata alarms',
      key: topicKey,
      email: options.alarmEmail,
      deadLetterQueue: failureQueue,
    });
    alarmTopic.allowPublishFrom('cloudwatch.amazonaws.com');

    if (options.alertEmail) {
      new HealthAlerts(this, 'HealthAlerts', {
        email: options.alertEmail,
        key: topicKey,
        deadLetterQueue: failureQueue,
      });
    }

    const functions = { webhook, api, sweep };
    const alarms = new OperationalAlarms(this, 'Alarms', {
      topic: alarmTopic,
      functions,
      stage: metadataApi.restApi.deploymentStage,
      failureQueue,
      sweepRate,
      webhookSilenceHours: options.webhookSilenceHours,
    });
    const { dashboard } = new OperationsDashboard(this, 'Operations', {
      functions,
      stage: metadataApi.restApi.deploymentStage,
      failureQueue,
      alarms: alarms.alarms,
    });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output(
      'WebhookUrl',
      metadataApi.webhookUrl,
      'Register with: npx fivetran-metadata webhook register --url <this>',
    );
    output('ApiUrl', metadataApi.apiUrl, 'Read API base URL (IAM / SigV4 signed requests)');
    output(
      'ApiCredentialSecretArn',
      secrets.apiCredential.secretArn,
      'Fill with {"apiKey":"…","apiSecret":"…"} (aws secretsmanager put-secret-value)',
    );
    output('WebhookSecretArn', secrets.webhookSigningSecret.secretArn, 'Webhook signing secret (generated)');
    output('TableName', table.tableName, 'DynamoDB table (npx fivetran-metadata serve --table <this>)');
    output(
      'DashboardUrl',
      `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${dashboard.dashboardName}`,
      'CloudWatch dashboard',
    );
    output('AlarmTopicArn', alarmTopic.topicArn, 'Alarm notifications (subscribe more endpoints here)');
    output('FailedWorkQueueUrl', failureQueue.queueUrl, 'Failed sweeps and undeliverable alerts');
  }
}

/** Health-change events go to the default bus, and only with our source and detail type. */
function allowHealthEvents(fn: HouseFunction): void {
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['events:PutEvents'],
      resources: [stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      conditions: {
        StringEquals: {
          'events:source': HEALTH_EVENT_SOURCE,
          'events:detail-type': HEALTH_EVENT_DETAIL_TYPE,
        },
      },
    }),
  );
}
