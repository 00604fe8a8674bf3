import { Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface EncryptedTopicProps {
  readonly displayName: string;
  /** Customer-managed: CloudWatch and EventBridge cannot publish to a topic under the AWS-managed SNS key. */
  readonly key: IKey;
  /** Subscribed when set; AWS first sends a confirmation mail that must be accepted. */
  readonly email?: string | undefined;
  /** Where SNS puts messages it could not deliver to a subscription. */
  readonly deadLetterQueue: IQueue;
}

/** An SNS topic encrypted at rest with the given key and reachable over TLS only. */
export class EncryptedTopic extends Topic {
  private readonly key: IKey;

  constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id, { displayName: props.displayName, masterKey: props.key, enforceSSL: true });
    this.key = props.key;
    if (props.email) {
      this.addSubscription(new EmailSubscription(props.email, { deadLetterQueue: props.deadLetterQueue }));
    }
  }

  /**
   * Lets an AWS service (e.g. `cloudwatch.amazonaws.com`) publish on behalf of this account only: the
   * topic policy allows it, and the key lets it encrypt the message.
   */
  allowPublishFrom(service: string): void {
    const principal = new ServicePrincipal(service);
    const sameAccount = { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } };
    this.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [principal],
        actions: ['sns:Publish'],
        resources: [this.topicArn],
        conditions: sameAccount,
      }),
    );
    this.key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [principal],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: sameAccount,
      }),
    );
  }
}
