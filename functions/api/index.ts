/**
 * api Lambda: API Gateway REST proxy (behind IAM) → the shared router → response. Env: TABLE_NAME.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
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
  const store = createStore({
    client: documentClient(new DynamoDBClient({})),
    tableName,
    retentionDays: integer(process.env, 'EVENT_RETENTION_DAYS', 90, 1, 3650),
  });
  // IAM authorizes at the front door, so no bearer token; no webhook route and no /healthz here.
  router = createRouter({
    store,
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
