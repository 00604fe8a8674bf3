/**
 * Webhook Lambda: API Gateway (REST proxy, or HTTP API) → `receiveWebhook` → the same answers as the local
 * server. Routerless, to keep the bundle and cold start small. Health changes go to the default EventBridge
 * bus (alerts) and to the table's recent-changes item (the dashboard).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { loadLambdaConfig } from '#commons/config/lambda-config';
import { wireWebhook } from '#commons/deployed/wire-webhook';
import { logger } from '#commons/observability/logger';
import { MetricUnit, metrics, WebhookMetric, type WebhookMetricName } from '#commons/observability/metrics';
import { receiveWebhook, type WebhookOutcome, type WebhookReceiver } from '#commons/webhook/receive-webhook';
import { type ApiGatewayEvent, bodyBytes, headersOf } from './api-gateway-event.ts';

const OUTCOME_METRIC: Record<WebhookOutcome, WebhookMetricName> = {
  stored: WebhookMetric.EventStored,
  duplicate: WebhookMetric.DuplicateIgnored,
  signature_invalid: WebhookMetric.SignatureInvalid,
  quarantined: WebhookMetric.EventQuarantined,
  probe: WebhookMetric.ProbeAnswered,
  too_large: WebhookMetric.BodyTooLarge,
  unavailable: WebhookMetric.StoreUnavailable,
};

const unavailable: APIGatewayProxyResult = {
  statusCode: 503,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ message: 'temporarily unable to keep this delivery; retry later' }),
};

/** The handler over a receiver built on the first invocation (a misconfiguration answers 503, logged). */
export function makeWebhookHandler(wire: () => WebhookReceiver) {
  let receiver: WebhookReceiver | undefined;
  async function webhookHandler(event: ApiGatewayEvent, _context: Context): Promise<APIGatewayProxyResult> {
    try {
      receiver ??= wire();
    } catch (error) {
      logger.error('webhook function is misconfigured', { error });
      metrics.addMetric(WebhookMetric.StoreUnavailable, MetricUnit.Count, 1);
      return unavailable;
    }
    const answer = await receiveWebhook(receiver, { body: bodyBytes(event), headers: headersOf(event) });
    metrics.addMetric(OUTCOME_METRIC[answer.outcome], MetricUnit.Count, 1);
    logger.info('webhook answered', {
      status: answer.status,
      outcome: answer.outcome,
      secretsReread: answer.secretsReread,
      ...('id' in answer.body ? { id: answer.body.id } : {}),
      ...('event' in answer.body ? { event: answer.body.event } : {}),
    });
    return {
      statusCode: answer.status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(answer.body),
    };
  }
  return (
    middy(webhookHandler)
      // Never log the event: it carries the body and its signature, whatever POWERTOOLS_LOGGER_LOG_EVENT says.
      .use(injectLambdaContext(logger, { logEvent: false }))
      .use(logMetrics(metrics, { captureColdStartMetric: true }))
  );
}

export const handler = makeWebhookHandler(() => wireWebhook(loadLambdaConfig('webhook')));
