import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWS_TIMEOUTS, awsClientConfig } from '../aws/client-config.ts';
import type { LambdaConfigs } from '../config/lambda-config.ts';
import { lazyObserver } from '../ingest/lazy-observer.ts';
import { type EventObserver, eventRecorder } from '../ingest/record-event.ts';
import { productEventObserver } from '../lineage/event-observers.ts';
import { observedEvent } from '../lineage/observed-events.ts';
import { parseOpenLineageConfig } from '../lineage/openlineage-config.ts';
import { logger } from '../observability/logger.ts';
import { createIngestRepositories } from '../store/ingest-repositories.ts';
import { createObserverRepositories } from '../store/observer-repositories.ts';
import { documentClient } from '../store/table/document-client.ts';
import type { TableRef } from '../store/table/table-ref.ts';
import type { WebhookReceiver } from '../webhook/receive-webhook.ts';
import { readThroughSecretSource } from '../webhook-secret/secret-source.ts';
import { deployedConnectionWriter } from './deployed-writer.ts';

/** The signing secret is cached this long by Powertools Parameters (and re-read early on a mismatch). */
export const SECRET_MAX_AGE_SECONDS = 300;

/** The receiver for one function instance: its clients, repositories and secret cache. */
export function wireWebhook(config: LambdaConfigs['webhook']): WebhookReceiver {
  const aws = awsClientConfig(AWS_TIMEOUTS.webhook);
  const table: TableRef = { client: documentClient(new DynamoDBClient(aws)), tableName: config.tableName };
  const repositories = createIngestRepositories(table, { retentionDays: config.eventRetentionDays });
  const writer = deployedConnectionWriter(repositories, aws);
  const secrets = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(aws) });
  return {
    recorder: eventRecorder({ repositories, writer, observers: [webhookObserver(config, table)] }),
    secrets: readThroughSecretSource({
      read: async ({ forceFetch }) => {
        const value = await secrets.get(config.webhookSecretArn, {
          maxAge: SECRET_MAX_AGE_SECONDS,
          forceFetch,
        });
        if (typeof value !== 'string') throw new Error('the webhook signing secret is not a string secret');
        return value;
      },
    }),
    // Errors only: never the secret, the body or the headers.
    onError: (error, step) => logger.error('webhook step failed', { step, error }),
  };
}

/**
 * The product's observers, built on the first event they act on (while lineage is off, sync events build
 * and do nothing). OPENLINEAGE_NAMESPACE is validated then: a bad one answers 503 to those events only,
 * logged, until it is fixed. Imported statically: a dynamic `import()` here made esbuild wrap nearly every
 * module of the bundle in a lazy initialiser, which cost more cold start than the observers' own code.
 */
function webhookObserver(config: LambdaConfigs['webhook'], table: TableRef): EventObserver {
  const lineage = config.openLineage;
  return lazyObserver(observedEvent({ openLineage: lineage }), async () => {
    const parsed =
      lineage === null
        ? null
        : parseOpenLineageConfig({
            OPENLINEAGE_URL: lineage.url,
            OPENLINEAGE_NAMESPACE: lineage.namespace ?? undefined,
          });
    return productEventObserver(
      createObserverRepositories(table, { retentionDays: config.eventRetentionDays }),
      {
        openLineage: parsed && { namespace: parsed.namespace },
      },
    );
  });
}
