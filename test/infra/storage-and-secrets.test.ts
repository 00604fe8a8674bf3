import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  GLOBAL_INDEXES,
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from '../../functions/commons/store/table/table-definition.ts';
import { buildStack, logicalIdOf, resources } from './stack-fixture.ts';

type Resource = ReturnType<typeof resources>[string];

function only(template: Template, type: string): Resource {
  const found = Object.values(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0] as Resource;
}

describe('DynamoDB table', () => {
  let template: Template;
  beforeAll(() => {
    template = buildStack().template;
  });

  it('follows the shared table definition: keys, every global index, the TTL attribute', () => {
    // Prepare
    const props = only(template, 'AWS::DynamoDB::GlobalTable').Properties ?? {};
    const keyNames = [PARTITION_KEY, SORT_KEY, ...GLOBAL_INDEXES.flatMap((i) => [i.partitionKey, i.sortKey])];

    // Act / Assess
    expect(props.KeySchema).toEqual([
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' },
    ]);
    expect(props.AttributeDefinitions).toEqual(
      keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    );
    expect(props.GlobalSecondaryIndexes).toEqual(
      GLOBAL_INDEXES.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });

  it('is on-demand, encrypted with the AWS-managed key, with point-in-time recovery', () => {
    // Prepare / Act
    const props = only(template, 'AWS::DynamoDB::GlobalTable').Properties ?? {};

    // Assess
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(props.Replicas).toEqual([
      expect.objectContaining({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    ]);
  });

  it('is retained and deletion-protected by default', () => {
    // Prepare / Act
    const table = only(template, 'AWS::DynamoDB::GlobalTable');

    // Assess
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.Replicas).toEqual([expect.objectContaining({ DeletionProtectionEnabled: true })]);
  });

  it('is deleted with the stack only when the operator says tableRemovalPolicy=destroy', () => {
    // Prepare / Act
    const table = only(buildStack({ tableRemovalPolicy: 'destroy' }).template, 'AWS::DynamoDB::GlobalTable');

    // Assess
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties.Replicas).toEqual([
      expect.objectContaining({ DeletionProtectionEnabled: false }),
    ]);
  });
});

describe('Secrets', () => {
  let template: Template;
  beforeAll(() => {
    template = buildStack().template;
  });

  it('generates the webhook signing secret with settings that must never change', () => {
    // Prepare
    const id = logicalIdOf(template, 'AWS::SecretsManager::Secret', 'SecretsWebhookSigningSecret');

    // Act
    const props = resources(template)[id]?.Properties ?? {};

    // Assess: pinned literal. A different value here makes CloudFormation regenerate the secret, and
    // Fivetran's deliveries fail with 401 until the webhook is re-registered.
    expect(props.GenerateSecretString).toStrictEqual({
      PasswordLength: 64,
      ExcludePunctuation: true,
      IncludeSpace: false,
    });
    expect(props.SecretString).toBeUndefined();
  });

  it('creates the API credential with its JSON shape and no value', () => {
    // Prepare
    const id = logicalIdOf(template, 'AWS::SecretsManager::Secret', 'SecretsApiCredential');

    // Act
    const props = resources(template)[id]?.Properties ?? {};

    // Assess: pinned too; a changed template value would overwrite the operator's credential.
    expect(JSON.parse(props.SecretString as string)).toStrictEqual({ apiKey: '', apiSecret: '' });
    expect(props.GenerateSecretString).toBeUndefined();
  });

  it('outputs both secret ARNs and the table name', () => {
    // Prepare
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Act / Assess
    expect(outputs.ApiCredentialSecretArn?.Value).toEqual({
      Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'SecretsApiCredential'),
    });
    expect(outputs.WebhookSecretArn?.Value).toEqual({
      Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'SecretsWebhookSigningSecret'),
    });
    expect(outputs.TableName?.Value).toEqual({
      Ref: logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', 'Table'),
    });
  });
});

describe('Failed-work queue and topics', () => {
  let template: Template;
  beforeAll(() => {
    template = buildStack({ alarmEmail: 'ops@example.com', alertEmail: 'data@example.com' }).template;
  });

  it('keeps failed work encrypted for 14 days and refuses plain-HTTP access', () => {
    // Prepare
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', 'FailedWork');

    // Act / Assess
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    const policy = only(template, 'AWS::SQS::QueuePolicy').Properties ?? {};
    expect(policy.Queues).toEqual([{ Ref: queue }]);
    expect((policy.PolicyDocument as { Statement: unknown[] }).Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('encrypts both topics with a rotating customer-managed key and refuses plain-HTTP publishing', () => {
    // Prepare
    const key = logicalIdOf(template, 'AWS::KMS::Key', 'TopicKey');
    const topics = Object.values(template.findResources('AWS::SNS::Topic'));
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'));

    // Act / Assess
    expect(topics).toHaveLength(2);
    for (const topic of topics)
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('lets CloudWatch and EventBridge publish to and encrypt for the topics, for this account only', () => {
    // Prepare
    const keyPolicy = JSON.stringify(
      Object.values(template.findResources('AWS::KMS::Key'))[0]?.Properties.KeyPolicy.Statement,
    );
    const topicPolicies = JSON.stringify(
      Object.values(template.findResources('AWS::SNS::TopicPolicy')).map((p) => p.Properties.PolicyDocument),
    );

    // Act / Assess
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      expect(keyPolicy).toContain(service);
      expect(topicPolicies).toContain(service);
    }
    expect(topicPolicies).toContain('aws:SourceAccount');
  });

  it('subscribes the configured addresses, with undeliverable mail going to the failed-work queue', () => {
    // Prepare
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', 'FailedWork');
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map(
      (s) => s.Properties,
    );

    // Act / Assess
    expect(subscriptions.map((s) => s.Endpoint).sort()).toEqual(['data@example.com', 'ops@example.com']);
    for (const s of subscriptions) {
      expect(s.Protocol).toBe('email');
      expect(s.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [queue, 'Arn'] } });
    }
  });

  it('creates no subscription when no address is configured', () => {
    buildStack().template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
