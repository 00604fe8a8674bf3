import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { nodejsBundling } from '../lambda-bundling.ts';
import { PROJECT_ROOT } from '../lambda-entries.ts';
import { METRIC_NAMESPACE, SERVICE_NAME } from '../product-metrics.ts';

export interface HouseFunctionProps {
  /** The handler module (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  readonly environment?: Record<string, string>;
  /** Unset: the function shares the account's unreserved pool. */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A NodejsFunction with the house defaults: nodejs24.x on ARM64, ESM bundled by the local esbuild (no
 * Docker), source maps on, X-Ray active tracing, Powertools configured, an explicit log group with a
 * retention period, and its own role that may write only to that log group (no AWS managed policy).
 */
export class HouseFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    // Built in the parent scope: `this` does not exist before super().
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
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
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      bundling: nodejsBundling(),
      // SDK v3 keeps connections alive by itself; the v2-era variable would only add noise.
      awsSdkConnectionReuse: false,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        ...props.environment,
      },
    });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so X-Ray requires Resource "*".',
    });
  }
}
