import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type CfnFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { nodejsBundling } from '../lambda-bundling.ts';
import { PROJECT_ROOT } from '../lambda-entries.ts';
import { METRIC_NAMESPACE, SERVICE_NAME } from '../product-metrics.ts';
import type { LambdaVpc } from '../stack-options.ts';

/** What Lambda needs to attach a function to a VPC (no resource-level permissions for these). */
export const VPC_ACCESS_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
] as const;

export interface HouseFunctionProps {
  /** The handler module (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  readonly environment?: Record<string, string>;
  /** Unset: the function shares the account's unreserved pool. */
  readonly reservedConcurrentExecutions?: number | undefined;
  /** Customer-managed key for the log group (controlTower); AWS-owned encryption when unset. */
  readonly logKey?: IKey | undefined;
  /** The operator's subnets and security groups; outside any VPC when unset. */
  readonly vpc?: LambdaVpc | undefined;
}

/**
 * A NodejsFunction with the house defaults: nodejs24.x on ARM64, ESM bundled by the local esbuild (no
 * Docker), source maps on, Powertools configured, an explicit log group with a retention period, and its own
 * role that may write only to that log group (no AWS managed policy). No active tracing: the X-Ray SDK
 * would add ~150 ms to every cold start for traces of three SDK calls; metrics and logs carry the story.
 */
export class HouseFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    // Built in the parent scope: `this` does not exist before super().
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      encryptionKey: props.logKey,
      // Kept after teardown for the record; the retention period still expires them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${id} function`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      bundling: nodejsBundling(),
      // SDK v3 keeps connections alive by itself; the v2-era variable would only add noise.
      awsSdkConnectionReuse: false,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        // Never log whole events (they carry signatures, SigV4 headers and bodies), whatever a handler says.
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        ...props.environment,
      },
    });

    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaTracing',
      reason:
        'Active tracing is off on purpose: the X-Ray SDK adds about 150 ms to every cold start, and a trace of ' +
        "these functions' few SDK calls tells nothing the metrics, logs and API Gateway's stage traces do not.",
    });

    if (props.vpc) {
      // Set on the template directly: the subnets and groups exist already and need no lookup.
      (this.node.defaultChild as CfnFunction).vpcConfig = {
        subnetIds: [...props.vpc.subnetIds],
        securityGroupIds: [...props.vpc.securityGroupIds],
      };
      role.addToPolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: [...VPC_ACCESS_ACTIONS], resources: ['*'] }),
      );
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'VPC attachment: the network-interface actions Lambda uses to join the subnets support no resource-level permissions, so they require Resource "*".',
      });
    }
  }
}
