import { Annotations, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { ALERTS_ERRORS_NOTE, AlertDelivery } from './constructs/alert-delivery.ts';
import { EncryptedTopic } from './constructs/encrypted-topic.ts';
import { FailureQueue } from './constructs/failure-queue.ts';
import { FivetranSecrets } from './constructs/fivetran-secrets.ts';
import { HealthAlerts } from './constructs/health-alerts.ts';
import { LineageDelivery } from './constructs/lineage-delivery.ts';
import { MetadataApi } from './constructs/metadata-api.ts';
import { MetadataTable } from './constructs/metadata-table.ts';
import { OperationalAlarms } from './constructs/operational-alarms.ts';
import { OperationsDashboard } from './constructs/operations-dashboard.ts';
import { SweepSchedule } from './constructs/sweep-schedule.ts';
import { limitGrantsToAwsServices, logEncryptionKey, requireSourceAccount } from './control-tower.ts';
import { productFunctions } from './stack-functions.ts';
import type { StackOptions } from './stack-options.ts';
import { addStackOutputs } from './stack-outputs.ts';

export { RESERVED_CONCURRENCY } from './stack-functions.ts';

export interface FivetranMetadataStackProps extends StackProps {
  readonly options: StackOptions;
}

/**
 * The deployed product: API Gateway in front of the webhook and api functions, EventBridge Scheduler in
 * front of the sweep, one DynamoDB table, two secrets, health-change events on the default bus, alarms
 * and a dashboard.
 */
export class FivetranMetadataStack extends Stack {
  constructor(scope: Construct, id: string, props: FivetranMetadataStackProps) {
    const { options } = props;
    // Bound to one account when the operator names it (CDK then refuses to deploy it anywhere else);
    // otherwise environment-agnostic, so synth needs no lookups and runs offline.
    super(scope, id, {
      ...props,
      env: props.env ?? (options.account ? { account: options.account } : undefined),
    });
    const sweepRate = Duration.minutes(options.sweepRateMinutes);

    const table = new MetadataTable(this, 'Table', { removalPolicy: options.tableRemovalPolicy });
    const secrets = new FivetranSecrets(this, 'Secrets');
    const failureQueue = new FailureQueue(this, 'FailedWork', {
      declareDeadLetterQueue: options.controlTower,
    });
    const logKey = options.controlTower ? logEncryptionKey(this, 'LogKey') : undefined;
    if (options.account) requireSourceAccount(this, options.account);
    if (options.controlTower && !options.lambdaVpc) {
      Annotations.of(this).addWarningV2(
        'fivetran-metadata:ct-lambda-vpc',
        'controlTower=true without lambdaSubnetIds/lambdaSecurityGroupIds: the functions run outside a VPC, so CT.LAMBDA.PR.3 is not met (see the operator guide).',
      );
    }

    const functions = productFunctions(this, { options, table, secrets, failureQueue, logKey });
    const { webhook, api, sweep } = functions;

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
      accessLogging: options.accessLogging,
      setAccountLoggingRole: options.apiGatewayCloudWatchRole,
      logKey,
      webhookRateLimit: options.webhookRateLimit,
    });

    // One customer-managed key for the topics: CloudWatch and EventBridge must be able to encrypt to them.
    const topicKey = new Key(this, 'TopicKey', {
      description: 'Encrypts the fivetran-metadata SNS topics (alarms, health alerts)',
      enableKeyRotation: true,
      // Nothing is stored under it (SNS only encrypts messages in flight through the topic).
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    limitGrantsToAwsServices(topicKey);
    const alarmTopic = new EncryptedTopic(this, 'AlarmTopic', {
      displayName: 'Fivetran metadata alarms',
      key: topicKey,
      email: options.alarmEmail,
      deadLetterQueue: failureQueue,
    });
    alarmTopic.allowPublishFrom('cloudwatch.amazonaws.com');

    // Slack, Teams and PagerDuty (`-c alertChannels=`): the writers keep each health change for the alerts function.
    const alertChannels = options.alerts.channels;
    const alerting =
      alertChannels.length > 0
        ? new AlertDelivery(this, 'Alerts', {
            options: options.alerts,
            table,
            eventRetentionDays: options.eventRetentionDays,
            logRetention: options.logRetention,
            logKey,
            vpc: options.lambdaVpc,
            failureQueue,
            alarmTopic,
          })
        : undefined;
    if (alerting) {
      for (const fn of [webhook, sweep]) fn.addEnvironment('ALERT_CHANNELS', alertChannels.join(','));
    }

    if (options.alertEmail) {
      new HealthAlerts(this, 'HealthAlerts', {
        email: options.alertEmail,
        key: topicKey,
        deadLetterQueue: failureQueue,
      });
    }

    const lineage = options.openLineage
      ? new LineageDelivery(this, 'Lineage', {
          ...options.openLineage,
          table,
          webhook,
          sweep,
          eventRetentionDays: options.eventRetentionDays,
          logRetention: options.logRetention,
          logKey,
          vpc: options.lambdaVpc,
          alarmTopic,
          deadLetterQueue: failureQueue,
        })
      : undefined;

    // Every function's errors and throttles are alarmed on and graphed, the optional ones too.
    const watched = {
      webhook,
      api,
      sweep,
      ...(alerting ? { alerts: alerting.function } : {}),
      ...(lineage ? { lineage: lineage.deliverer } : {}),
    };
    const alarms = new OperationalAlarms(this, 'Alarms', {
      topic: alarmTopic,
      functions: watched,
      errorNotes: { alerts: ALERTS_ERRORS_NOTE },
      stage: metadataApi.restApi.deploymentStage,
      failureQueue,
      sweepRate,
      webhookSilenceHours: options.webhookSilenceHours,
    });
    const { dashboard } = new OperationsDashboard(this, 'Operations', {
      functions: watched,
      stage: metadataApi.restApi.deploymentStage,
      failureQueue,
      alarms: [...alarms.alarms, ...(alerting?.alarms ?? []), ...(lineage ? [lineage.alarm] : [])],
      alerts: alerting !== undefined,
      lineage: lineage !== undefined,
    });

    addStackOutputs(this, {
      webhookUrl: metadataApi.webhookUrl,
      apiUrl: metadataApi.apiUrl,
      apiCredentialSecretArn: secrets.apiCredential.secretArn,
      webhookSecretArn: secrets.webhookSigningSecret.secretArn,
      tableName: table.tableName,
      dashboardName: dashboard.dashboardName,
      alarmTopicArn: alarmTopic.topicArn,
      failedWorkQueueUrl: failureQueue.queueUrl,
      alertSecretArn: alerting?.secret.secretArn,
    });
  }
}
