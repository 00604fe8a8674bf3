import { ArnFormat, Aspects, Duration, type IAspect, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import type { Construct, IConstruct } from 'constructs';

/**
 * What `-c controlTower=true` changes so the template passes the AWS Control Tower proactive controls
 * (checked offline with the cfn-guard rules in @cdklabs/cdk-validator-cfnguard, test/infra/control-tower):
 * - CT.APIGATEWAY.PR.1: execution logging on every method (stack-options.ts turns it on);
 * - CT.CLOUDWATCH.PR.2: log retention ≥ 365 days (stack-options.ts);
 * - CT.CLOUDWATCH.PR.3: every log group encrypted with a customer-managed key (logEncryptionKey below);
 * - CT.KMS.PR.3: every key policy limits grants to AWS services (always, limitGrantsToAwsServices);
 * - CT.LAMBDA.PR.2: every Lambda permission names its SourceAccount literally (requireSourceAccount);
 * - CT.SQS.PR.1: the failed-work queue declares itself a dead-letter queue (failure-queue.ts);
 * - CT.LAMBDA.PR.3: functions in a VPC, only when the operator names subnets and security groups
 *   (`lambdaSubnetIds`, `lambdaSecurityGroupIds`): a VPC with egress to Fivetran is theirs to provide.
 */

/**
 * CT.KMS.PR.3: nobody may create a grant on the key unless it is for an AWS resource or made by an AWS
 * service. Nothing in this stack uses grants, so this only closes a door; it applies to every key.
 */
export function limitGrantsToAwsServices(key: Key): void {
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'GrantsOnlyForAwsServices',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
}

/**
 * CT.CLOUDWATCH.PR.3: one customer-managed key for every log group of the stack, usable by CloudWatch Logs
 * in this region for this account's log groups only. Retained: the log groups are retained, and a deleted
 * key would make them unreadable.
 */
export function logEncryptionKey(scope: Construct, id: string): Key {
  const stack = Stack.of(scope);
  const key = new Key(scope, id, {
    description: 'Encrypts the fivetran-metadata log groups (function, access and execution logs)',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
    pendingWindow: Duration.days(30),
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchLogsOfThisAccount',
      effect: Effect.ALLOW,
      principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  limitGrantsToAwsServices(key);
  return key;
}

/**
 * CT.LAMBDA.PR.2: each Lambda permission for a service principal carries SourceAccount as a literal
 * account id (the rule cannot read the SourceArn API Gateway permissions build with Fn::Join). An aspect, so
 * permissions added anywhere in the stack, now or later, get it.
 */
export function requireSourceAccount(scope: IConstruct, account: string): void {
  if (Token.isUnresolved(account)) throw new Error('requireSourceAccount needs a literal account id');
  const aspect: IAspect = {
    visit(node: IConstruct) {
      if (node instanceof CfnPermission && node.sourceAccount === undefined) node.sourceAccount = account;
    },
  };
  Aspects.of(scope).add(aspect);
}
