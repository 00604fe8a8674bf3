import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { AWS_TIMEOUTS, awsClientConfig } from '#commons/aws/client-config';
import { ConfigError } from '#commons/config/env';
import { describingAwsFailure } from './aws-problems.ts';

/**
 * The stack outputs `--stack <name>` reads. They are the stack's interface (`infra/stack-outputs.ts`
 * `OUTPUT_KEYS`; a test keeps the two the same). Kept here too because the CLI ships without aws-cdk-lib.
 */
export const STACK_OUTPUT_KEYS = {
  webhookUrl: 'WebhookUrl',
  apiCredentialSecretArn: 'ApiCredentialSecretArn',
  webhookSecretArn: 'WebhookSecretArn',
  tableName: 'TableName',
  region: 'Region',
} as const;

/** What the CLI needs of one deployment, as its stack's outputs name it. */
export interface DeployedStack {
  readonly stackName: string;
  readonly region: string;
  readonly webhookUrl: string;
  readonly apiCredentialSecretArn: string;
  readonly webhookSecretArn: string;
  readonly tableName: string;
}

/** CloudFormation allows letters, digits and hyphens, starting with a letter, at most 128 (or an ARN). */
const STACK_NAME =
  /^(?:[A-Za-z][A-Za-z0-9-]{0,127}|arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/.{1,255})$/;

/**
 * Reads the deployment's outputs with CloudFormation DescribeStacks (the caller's AWS credentials, `region`
 * or the SDK's default region). A missing stack, login, region or permission is one `AwsProblem` line; a
 * stack without our outputs (not ours, or still being created) is a `ConfigError` naming what is missing.
 */
export async function readDeployedStack(
  stackName: string,
  options: { readonly region?: string | undefined; readonly client?: CloudFormationClient } = {},
): Promise<DeployedStack> {
  if (!STACK_NAME.test(stackName)) {
    throw new ConfigError(`--stack must be a CloudFormation stack name or ARN, got "${stackName}"`);
  }
  // Loaded only for --stack: the CLI's other paths never need CloudFormation.
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const client =
    options.client ??
    new CloudFormationClient({
      ...awsClientConfig(AWS_TIMEOUTS.cli),
      ...(options.region ? { region: options.region } : {}),
    });
  try {
    const region = options.region ?? (await client.config.region().catch(() => undefined));
    const call = {
      what: `describe the stack ${stackName}`,
      needs: 'cloudformation:DescribeStacks on it',
      notFound: `no stack ${stackName}${region ? ` in ${region}` : ''}: check the name, and pass --region <the region it was deployed to>`,
      region,
    };
    const answer = await describingAwsFailure(call, () =>
      client.send(new DescribeStacksCommand({ StackName: stackName })),
    );
    const stack = answer.Stacks?.[0];
    const outputs = new Map((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    const value = (key: keyof typeof STACK_OUTPUT_KEYS) => outputs.get(STACK_OUTPUT_KEYS[key])?.trim() || '';
    const missing = (Object.keys(STACK_OUTPUT_KEYS) as (keyof typeof STACK_OUTPUT_KEYS)[])
      .filter((key) => value(key) === '')
      .map((key) => STACK_OUTPUT_KEYS[key]);
    if (stack === undefined || missing.length > 0) {
      throw new ConfigError(
        `stack ${stackName}${stack?.StackStatus ? ` (${stack.StackStatus})` : ''} has no ${missing.join(', ')} output: ` +
          'is it a fivetran-metadata stack, fully deployed? Deploy it (npx cdk deploy), then run this again',
      );
    }
    return {
      stackName,
      region: value('region'),
      webhookUrl: value('webhookUrl'),
      apiCredentialSecretArn: value('apiCredentialSecretArn'),
      webhookSecretArn: value('webhookSecretArn'),
      tableName: value('tableName'),
    };
  } finally {
    if (!options.client) client.destroy();
  }
}
