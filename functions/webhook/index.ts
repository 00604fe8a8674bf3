/**
 * Webhook Lambda: API Gateway (REST proxy, or HTTP API) → `receiveWebhook` → the same answers as the local
 * server. Env: TABLE_NAME, WEBHOOK_SECRET_ARN, EVENT_RETENTION_DAYS. Health changes go to the default
 * EventBridge bus (alerts) and to the table's recent-changes item (the dashboard).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { eventBridgeHealthNotifier } from '#commons/alerts/eventbridge-notifier';
import { fanOutHealthNotifier } from '#commons/alerts/fan-out-notifier';
import { healthChangeLog } from '#commons/alerts/health-change-log';
import { type ApiGatewayEvent, bodyBytes, headersOf } from '#commons/api/lambda-request';
import { receiveWebhook, type WebhookOutcome, type WebhookReceiver } from '#commons/api/receive-webhook';
import { integer } from '#commons/config';
import { logger } from '#commons/powertools/logger';
import { MetricUnit, metrics, WebhookMetric, type WebhookMetricName } from '#commons/powertools/metrics';
import { documentClient } from '#commons/store/document-client';
import { createStore } from '#commons/store/store';
import { cachedSecretSource } from '#commons/webhook-secret/secret-source';

const OUTCOME_METRIC: Record<WebhookOutcome, WebhookMetricName> = {
  stored: WebhookMetric.EventStored,
  duplicate: WebhookMetric.DuplicateIgnored,
  signature_invalid: WebhookMetric.SignatureInvalid,
  quarantined: WebhookMetric.EventQuarantined,
  probe: WebhookMetric.ProbeAnswered,
  too_large: WebhookMetric.BodyTooLarge,
  unavailable: WebhookMetric.StoreUnavailable,
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Built on the first invocation and kept for the container's life (clients, secret cache). */
let receiver: WebhookReceiver | undefined;

function getReceiver(): WebhookReceiver {
  if (receiver) return receiver;
  const secretArn = required('WEBHOOK_SECRET_ARN');
  const secretsProvider = new SecretsProvider();
  const table = { client: documentClient(new DynamoDBClient({})), tableName: required('TABLE_NAME') };
  const store = createStore({
    ...table,
    retentionDays: integer(process.env, 'EVENT_RETENTION_DAYS', 90, 1, 3650),
    notifier: fanOutHealthNotifier([
      eventBridgeHealthNotifier(new EventBridgeClient({})),
      healthChangeLog(table),
      { onHealthChange: (change) => logger.info('connection health changed', { change }) },
    ]),
    onNotifierError: (error, change) =>
      logger.error('health notifier failed', { error, connection_id: change.connection_id }),
  });
  receiver = {
    store,
    secrets: cachedSecretSource({
      // Our own cache decides when to read; each read goes to Secrets Manager.
      fetchSecret: async () => {
        const value = await secretsProvider.get(secretArn, { forceFetch: true });
        if (typeof value !== 'string') throw new Error('the webhook signing secret is not a string secret');
        return value;
      },
    }),
    // Errors only: never the secret, the body or the headers.
    onError: (error, step) => logger.error('webhook step failed', { step, error }),
  };
  return receiver;
}

const unavailable: APIGatewayProxyResult = {
  statusCode: 503,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ message: 'temporarily unable to keep this delivery; retry later' }),
};

async function webhookHandler(event: ApiGatewayEvent, _context: Context): Promise<APIGatewayProxyResult> {
  let active: WebhookReceiver;
  try {
    active = getReceiver();
  } catch (error) {
    logger.error('webhook function is misconfigured', { error });
    metrics.addMetric(WebhookMetric.StoreUnavailable, MetricUnit.Count, 1);
    return unavailable;
  }
  const answer = await receiveWebhook(active, { body: bodyBytes(event), headers: headersOf(event) });
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

export const handler = middy(webhookHandler)
  // Never log the event: it carries the body and its signature, whatever POWERTOOLS_LOGGER_LOG_EVENT says.
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
