import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Hono } from 'hono';
import { AWS_TIMEOUTS, awsClientConfig } from '../aws/client-config.ts';
import type { LambdaConfigs } from '../config/lambda-config.ts';
import { createHttpApp } from '../http/app.ts';
import { logger } from '../observability/logger.ts';
import { createRepositories } from '../store/repositories.ts';
import { documentClient } from '../store/table/document-client.ts';
import { asyncSweepControl } from '../sweep/async-sweep-control.ts';

/**
 * The api function's HTTP app: the read routes and `POST /api/sweeps` (an async invoke of the sweep
 * function). IAM authorizes at the front door, so no bearer token; no webhook, `/healthz` or dashboard.
 */
export function wireApi(config: LambdaConfigs['api']): Hono {
  const aws = awsClientConfig(AWS_TIMEOUTS.api);
  const repositories = createRepositories(
    { client: documentClient(new DynamoDBClient(aws)), tableName: config.tableName },
    { retentionDays: config.eventRetentionDays },
  );
  return createHttpApp({
    repositories,
    mode: 'deployed',
    sweeps: config.sweepFunctionName
      ? asyncSweepControl({
          lease: repositories.sweepLease,
          lambda: new LambdaClient(aws),
          functionName: config.sweepFunctionName,
        })
      : null,
    sweepsUnavailable: 'SWEEP_FUNCTION_NAME is not set on the api function',
    onError: (error, request) => logger.error('request failed', { path: request.path, error }),
  });
}
