/**
 * api Lambda: API Gateway REST proxy (behind IAM) → the HTTP app (`hono/aws-lambda`) → response.
 * Env: TABLE_NAME, SWEEP_FUNCTION_NAME (for `POST /api/sweeps`), EVENT_RETENTION_DAYS.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import { loadLambdaConfig } from '#commons/config/lambda-config';
import { wireApi } from '#commons/deployed/wire-api';
import { logger } from '#commons/observability/logger';
import { metrics } from '#commons/observability/metrics';

const misconfigured: APIGatewayProxyResult = {
  statusCode: 503,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ message: 'the api is misconfigured; see its logs' }),
};

/** The handler over an app built on the first invocation (a misconfiguration answers 503, logged). */
export function makeApiHandler(wire: () => Hono) {
  let serve: ((event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>) | undefined;
  async function apiHandler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
    try {
      serve ??= handle(wire()) as unknown as typeof serve;
    } catch (error) {
      logger.error('api function is misconfigured', { error });
      return misconfigured;
    }
    return (serve as NonNullable<typeof serve>)(event, context);
  }
  return (
    middy(apiHandler)
      // Request events carry caller identities and query strings: not for the log.
      .use(injectLambdaContext(logger, { logEvent: false }))
      .use(logMetrics(metrics, { captureColdStartMetric: true }))
  );
}

export const handler = makeApiHandler(() => wireApi(loadLambdaConfig('api')));
