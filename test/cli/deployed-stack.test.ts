import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readDeployedStack, STACK_OUTPUT_KEYS } from '../../functions/cli/deployed-stack.ts';
import { deployedTable } from '../../functions/cli/deployed-table.ts';
import { OUTPUT_KEYS } from '../../infra/stack-outputs.ts';

const cloudFormation = mockClient(CloudFormationClient);
const OUTPUTS = {
  WebhookUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/webhooks/fivetran',
  ApiCredentialSecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:ApiCredential-x',
  WebhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:WebhookSecret-y',
  TableName: 'FivetranMetadata-Table-1',
  Region: 'eu-west-1',
};
const answer = (outputs: Record<string, string>, status = 'UPDATE_COMPLETE' as const) => ({
  Stacks: [
    {
      StackName: 'FivetranMetadata',
      StackStatus: status,
      CreationTime: new Date(),
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

describe('readDeployedStack', () => {
  beforeEach(() => cloudFormation.reset());

  it('reads the same output keys the stack defines', () => {
    // Assess: the CLI's copy (it ships without aws-cdk-lib) names the stack's outputs.
    for (const [key, name] of Object.entries(STACK_OUTPUT_KEYS)) {
      expect(OUTPUT_KEYS[key as keyof typeof OUTPUT_KEYS]).toBe(name);
    }
  });

  it('maps the outputs of the named stack, asking CloudFormation in the given region', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand).resolves(answer({ ...OUTPUTS, ApiUrl: 'https://x/prod/' }));

    // Act
    const stack = await readDeployedStack('FivetranMetadata', { region: 'eu-west-1' });
    const client = cloudFormation.commandCalls(DescribeStacksCommand)[0]?.thisValue as CloudFormationClient;

    // Assess
    expect(stack).toEqual({
      stackName: 'FivetranMetadata',
      region: 'eu-west-1',
      webhookUrl: OUTPUTS.WebhookUrl,
      apiCredentialSecretArn: OUTPUTS.ApiCredentialSecretArn,
      webhookSecretArn: OUTPUTS.WebhookSecretArn,
      tableName: OUTPUTS.TableName,
    });
    expect(await client.config.region()).toBe('eu-west-1');
  });

  it('names every output a stack lacks (not ours, or not fully deployed)', async () => {
    // Prepare
    const { WebhookSecretArn: _secret, TableName: _table, ...partial } = OUTPUTS;
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves(answer(partial, 'CREATE_IN_PROGRESS' as 'UPDATE_COMPLETE'));

    // Act
    const failure = readDeployedStack('FivetranMetadata', { region: 'eu-west-1' });

    // Assess
    await expect(failure).rejects.toThrow(
      /^stack FivetranMetadata \(CREATE_IN_PROGRESS\) has no WebhookSecretArn, TableName output: is it a fivetran-metadata stack/,
    );
  });

  it.each(['', '1stack', 'has space', `a${'b'.repeat(128)}`, 'x;rm -rf'])(
    'refuses the stack name %j without calling AWS',
    async (name) => {
      // Act
      const failure = readDeployedStack(name, { region: 'eu-west-1' });

      // Assess
      await expect(failure).rejects.toThrow(/--stack must be a CloudFormation stack name or ARN/);
      expect(cloudFormation.calls()).toHaveLength(0);
    },
  );

  it('says a missing permission with the action it needs', async () => {
    // Prepare
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('not authorized to perform'), { name: 'AccessDenied' }));

    // Act
    const failure = readDeployedStack('FivetranMetadata', { region: 'eu-west-1' });

    // Assess
    await expect(failure).rejects.toThrow(
      'your AWS identity may not describe the stack FivetranMetadata (AccessDenied): it needs cloudformation:DescribeStacks on it',
    );
  });

  it('gives status and serve the stack’s table and region; --stack with --table is refused unasked', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand).resolves(answer(OUTPUTS));

    // Act
    const fromStack = await deployedTable({ stack: 'FivetranMetadata', region: 'eu-west-1' });
    const fromFlags = await deployedTable({ table: 'named', region: 'us-east-2' });
    const both = deployedTable({ stack: 'FivetranMetadata', table: 'named' });

    // Assess
    expect(fromStack).toEqual({ name: OUTPUTS.TableName, region: 'eu-west-1' });
    expect(fromFlags).toEqual({ name: 'named', region: 'us-east-2' });
    await expect(both).rejects.toThrow(/pass --stack or --table, not both/);
    expect(cloudFormation.calls()).toHaveLength(1);
  });
});
