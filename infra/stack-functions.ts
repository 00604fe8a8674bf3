import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { FivetranSecrets } from './constructs/fivetran-secrets.ts';
import {
  HEALTH_EVENT_DETAIL_TYPE,
  HEALTH_EVENT_SOURCE,
  SCHEMA_CHANGE_DETAIL_TYPE,
} from './constructs/health-alerts.ts';
import { HouseFunction } from './constructs/house-function.ts';
import { LAMBDA_ENTRIES } from './lambda-entries.ts';
import type { StackOptions } from './stack-options.ts';
import { grantTableAccess } from './table-access.ts';

/**
 * Reserved concurrency when the operator opts in: enough webhook instances for Fivetran's hourly burst,
 * a few for operators' reads, and two sweeps (a scheduled one and one started by POST /api/sweeps; the
 * lease in the table lets only one of them work).
 */
export const RESERVED_CONCURRENCY = { webhook: 20, api: 5, sweep: 2 } as const;

export interface ProductFunctions {
  readonly webhook: HouseFunction;
  readonly api: HouseFunction;
  readonly sweep: HouseFunction;
}

export interface ProductFunctionsProps {
  readonly options: StackOptions;
  readonly table: ITableV2;
  readonly secrets: FivetranSecrets;
  readonly failureQueue: IQueue;
  readonly logKey: IKey | undefined;
}

/**
 * The three functions, each with its own role holding only what its code calls (table-access.ts; the
 * webhook reads only the signing secret, the sweep only the API credential, the api neither).
 */
export function productFunctions(scope: Construct, props: ProductFunctionsProps): ProductFunctions {
  const { options, table, secrets } = props;
  const sweepRate = Duration.minutes(options.sweepRateMinutes);
  const common = { logRetention: options.logRetention, logKey: props.logKey, vpc: options.lambdaVpc };
  const reserve = (name: keyof typeof RESERVED_CONCURRENCY) =>
    options.reservedConcurrency ? RESERVED_CONCURRENCY[name] : undefined;
  const retention = { EVENT_RETENTION_DAYS: String(options.eventRetentionDays) };

  const sweep = new HouseFunction(scope, 'Sweep', {
    ...common,
    entry: LAMBDA_ENTRIES.sweep,
    description: 'Sweeps the Fivetran REST API into the table (scheduled, or started by POST /api/sweeps)',
    // The most Lambda allows; the sweep reads its remaining time from the context and stops in time.
    timeout: Duration.minutes(15),
    memorySize: 512,
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
    onFailure: new SqsDestination(props.failureQueue),
  });
  grantTableAccess(table, 'sweep', sweep);
  secrets.apiCredential.grantRead(sweep);
  Validations.of(sweep).acknowledge({
    id: 'Serverless-LambdaDLQ',
    reason:
      'Failed asynchronous invocations go to the on-failure destination (the failed-work queue), which unlike a dead-letter queue also records the error.',
  });

  const webhook = new HouseFunction(scope, 'Webhook', {
    ...common,
    entry: LAMBDA_ENTRIES.webhook,
    description: 'Verifies and stores signed Fivetran webhook deliveries',
    // Fivetran waits 10 s for an answer; past that it has already given up and will retry.
    timeout: Duration.seconds(10),
    // More memory is more CPU: shorter cold starts on the path Fivetran times.
    memorySize: 512,
    reservedConcurrentExecutions: reserve('webhook'),
    environment: {
      TABLE_NAME: table.tableName,
      WEBHOOK_SECRET_ARN: secrets.webhookSigningSecret.secretArn,
      ...retention,
    },
  });
  grantTableAccess(table, 'webhook', webhook);
  secrets.webhookSigningSecret.grantRead(webhook);

  const api = new HouseFunction(scope, 'Api', {
    ...common,
    entry: LAMBDA_ENTRIES.api,
    description: 'Serves the read API behind IAM (/api/*)',
    timeout: Duration.seconds(10),
    memorySize: 512,
    reservedConcurrentExecutions: reserve('api'),
    environment: {
      TABLE_NAME: table.tableName,
      SWEEP_FUNCTION_NAME: sweep.functionName,
      // Reads skip expired raw events themselves (TTL deletes lazily).
      ...retention,
    },
  });
  grantTableAccess(table, 'api', api);
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
  allowHealthEvents(webhook, [HEALTH_EVENT_DETAIL_TYPE]);
  allowHealthEvents(sweep, [HEALTH_EVENT_DETAIL_TYPE, SCHEMA_CHANGE_DETAIL_TYPE]);
  const tableLogicalId = Stack.of(scope).getLogicalId(table.node.defaultChild as CfnElement);
  for (const fn of [webhook, sweep, api]) {
    Validations.of(fn.role ?? fn).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
      reason:
        "Queries on the table's own global secondary indexes (gsi1, gsi2, and any added to table-definition.ts): the wildcard covers only indexes of this one table.",
    });
  }
  return { webhook, api, sweep };
}

/** Health-change (and the sweep's schema-change) events go to the default bus, only with our source and types. */
function allowHealthEvents(fn: HouseFunction, detailTypes: readonly string[]): void {
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['events:PutEvents'],
      resources: [stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      conditions: {
        StringEquals: {
          'events:source': HEALTH_EVENT_SOURCE,
          'events:detail-type': detailTypes.length === 1 ? detailTypes[0] : [...detailTypes],
        },
      },
    }),
  );
}
