import { CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * The stack's output keys. They are an interface: the operator's guide, the CLI (`--stack <name>` reads
 * them with CloudFormation DescribeStacks) and people's scripts use them, so a key never changes (a test
 * pins them).
 */
export const OUTPUT_KEYS = {
  webhookUrl: 'WebhookUrl',
  apiUrl: 'ApiUrl',
  apiCredentialSecretArn: 'ApiCredentialSecretArn',
  webhookSecretArn: 'WebhookSecretArn',
  tableName: 'TableName',
  region: 'Region',
  registerWebhookCommand: 'RegisterWebhookCommand',
  dashboardUrl: 'DashboardUrl',
  alarmTopicArn: 'AlarmTopicArn',
  failedWorkQueueUrl: 'FailedWorkQueueUrl',
  alertSecretArn: 'AlertSecretArn',
} as const;

export interface StackOutputValues {
  readonly webhookUrl: string;
  readonly apiUrl: string;
  readonly apiCredentialSecretArn: string;
  readonly webhookSecretArn: string;
  readonly tableName: string;
  readonly dashboardName: string;
  readonly alarmTopicArn: string;
  readonly failedWorkQueueUrl: string;
  /** Absent with `-c alertChannels=none`. */
  readonly alertSecretArn?: string | undefined;
}

/**
 * The one registration command that works against this deployment: the webhook URL, the credential to
 * call Fivetran with, the deployed signing secret (so the secret Fivetran signs with is the one the webhook
 * function checks) and the table (where the sweep checks the webhook stays active), in this region.
 */
export function registerWebhookCommand(values: StackOutputValues, region: string): string {
  return Fn.join(' ', [
    'npx fivetran-metadata webhook register',
    `--url ${values.webhookUrl}`,
    `--secret-id ${values.apiCredentialSecretArn}`,
    `--webhook-secret-id ${values.webhookSecretArn}`,
    `--table ${values.tableName}`,
    `--region ${region}`,
  ]);
}

export function addStackOutputs(scope: Construct, values: StackOutputValues): void {
  const { region } = Stack.of(scope);
  const output = (key: keyof typeof OUTPUT_KEYS, value: string, description: string) =>
    new CfnOutput(scope, OUTPUT_KEYS[key], { value, description });
  output('webhookUrl', values.webhookUrl, 'Fivetran webhook URL (register it with RegisterWebhookCommand)');
  output('apiUrl', values.apiUrl, 'Read API base URL (IAM / SigV4 signed requests)');
  output(
    'apiCredentialSecretArn',
    values.apiCredentialSecretArn,
    'Fill with {"apiKey":"…","apiSecret":"…"} (aws secretsmanager put-secret-value)',
  );
  output(
    'webhookSecretArn',
    values.webhookSecretArn,
    'Webhook signing secret (generated; rotate with the CLI)',
  );
  output('tableName', values.tableName, 'DynamoDB table (npx fivetran-metadata serve --table <this>)');
  output('region', region, 'Region of this deployment (AWS_REGION for the CLI)');
  output(
    'registerWebhookCommand',
    registerWebhookCommand(values, region),
    'Run once the API credential is filled, with AWS credentials for this account',
  );
  output(
    'dashboardUrl',
    `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards:name=${values.dashboardName}`,
    'CloudWatch dashboard',
  );
  output('alarmTopicArn', values.alarmTopicArn, 'Alarm notifications (subscribe more endpoints here)');
  output('failedWorkQueueUrl', values.failedWorkQueueUrl, 'Failed sweeps and undeliverable alerts');
  if (values.alertSecretArn) {
    output(
      'alertSecretArn',
      values.alertSecretArn,
      'Fill with {"SLACK_WEBHOOK_URL":"…","TEAMS_WEBHOOK_URL":"…","PAGERDUTY_ROUTING_KEY":"…"} (any subset)',
    );
  }
}
