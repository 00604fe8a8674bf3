/**
 * api Lambda: API Gateway REST proxy (behind IAM) → the shared router → response.
 * Env: TABLE_NAME, SWEEP_FUNCTION_NAME (for `POST /api/sweeps`), EVENT_RETENTION_DAYS.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import middy from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { asyncSweepControl } from '#commons/api/async-sweep-control';
import { json } from '#commons/api/http-types';
import { type ApiGatewayEvent, toApiRequest, toLambdaResult } from '#commons/api/lambda-request';
import { createRouter, type Router } from '#commons/api/router';
import { integer } from '#commons/config';
import { logger } from '#commons/powertools/logger';
import { metrics } from '#commons/powertools/metrics';
import { documentClient } from '#commons/store/document-client';
import { createStore } from '#commons/store/store';

let router: Router | undefined;

function getRouter(): Router {
  if (router) return router;
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  const table = { client: documentClient(new DynamoDBClient({})), tableName };
  const store = createStore({
    ...table,
    retentionDays: integer(process.env, 'EVENT_RETENTION_DAYS', 90, 1, 3650),
  });
  const sweepFunction = process.env.SWEEP_FUNCTION_NAME;
  // IAM authorizes at the front door, so no bearer token; no webhook route, no /healthz, no dashboard here.
  router = createRouter({
    store,
    table,
    mode: 'deployed',
    sweeps: sweepFunction
      ? asyncSweepControl({ table, lambda: new LambdaClient({}), functionName: sweepFunction })
      : null,
    sweepsUnavailable: 'SWEEP_FUNCTION_NAME is not set on the api function',
    onError: (error, request) => logger.error('request failed', { path: request.path, error }),
  });
  return router;
}

async function apiHandler(event: ApiGatewayEvent, _context: Context): Promise<APIGatewayProxyResult> {
  let route: Router;
  try {
    route = getRouter();
  } catch (error) {
    logger.error('api function is misconfigured', { error });
    return toLambdaResult(json(503, { message: 'the api is misconfigured; see its logs' }));
  }
  return toLambdaResult(await route(toApiRequest(event)));
}

export const handler = middy(apiHandler)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
