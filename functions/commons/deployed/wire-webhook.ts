import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWS_TIMEOUTS, awsClientConfig } from '../aws/client-config.ts';
import type { LambdaConfigs } from '../config/lambda-config.ts';
import { eventRecorder } from '../ingest/record-event.ts';
import { logger } from '../observability/logger.ts';
import { createIngestRepositories } from '../store/ingest-repositories.ts';
import { documentClient } from '../store/table/document-client.ts';
import type { WebhookReceiver } from '../webhook/receive-webhook.ts';
import { readThroughSecretSource } from '../webhook-secret/secret-source.ts';
import { deployedConnectionWriter } from './deployed-writer.ts';

/** The signing secret is cached this long by Powertools Parameters (and re-read early on a mismatch). */
export const SECRET_MAX_AGE_SECONDS = 300;

/** The receiver for one function instance: its clients, repositories and secret cache. */
export function wireWebhook(config: LambdaConfigs['webhook']): WebhookReceiver {
  const aws = awsClientConfig(AWS_TIMEOUTS.webhook);
  const repositories = createIngestRepositories(
    { client: documentClient(new DynamoDBClient(aws)), tableName: config.tableName },
    { retentionDays: config.eventRetentionDays },
  );
  const writer = deployedConnectionWriter(repositories, aws);
  const secrets = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(aws) });
  return {
    recorder: eventRecorder({ repositories, writer }),
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
