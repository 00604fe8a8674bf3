import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWS_TIMEOUTS, awsClientConfig } from '../aws/client-config.ts';
import { ConfigError } from '../config/env.ts';
import type { LambdaConfigs } from '../config/lambda-config.ts';
import { DEFAULT_DELIVERY_SETTINGS, type DeliveryReport, deliverDue } from '../lineage/deliverer.ts';
import { parseOpenLineageConfig } from '../lineage/openlineage-config.ts';
import { logger } from '../observability/logger.ts';
import { lineageOutboxDelivery } from '../store/repositories/lineage-outbox.ts';
import { documentClient } from '../store/table/document-client.ts';
import { retention } from '../store/table/retention.ts';

/** The endpoint's key is cached this long by Powertools Parameters: a new key works within minutes. */
export const LINEAGE_KEY_MAX_AGE_SECONDS = 300;
/** Items a run claims at once: at 10 s per POST at worst, one batch fits well within a minute and a half. */
export const LINEAGE_BATCH_SIZE = 8;
/** Batches one run may deliver before it stops (the next scheduled run goes on). */
export const MAX_BATCHES_PER_RUN = 50;

export interface LineageRun extends DeliveryReport {
  /** `created_at` of the oldest event not delivered after this run, or null. */
  readonly oldestUndelivered: string | null;
}

export interface LineageWiring {
  /** Delivers what is due, batch after batch while time allows. */
  run(remainingMs: () => number): Promise<LineageRun>;
}

/** Reads the key secret, `{ "apiKey": "…" }`; the stack creates it empty (no Authorization header then). */
export function apiKeyOf(secretId: string, value: unknown): string | null {
  const key = (value as { apiKey?: unknown } | null)?.apiKey;
  if (value === null || typeof value !== 'object' || (key !== undefined && typeof key !== 'string')) {
    throw new ConfigError(`the secret ${secretId} is not JSON like {"apiKey": "…"}`);
  }
  return typeof key === 'string' && key.trim() !== '' ? key.trim() : null;
}

/** The deliverer's outbox, endpoint and key for one function instance. */
export function wireLineage(config: LambdaConfigs['lineage']): LineageWiring {
  const aws = awsClientConfig(AWS_TIMEOUTS.lineage);
  const outbox = {
    ...lineageOutboxDelivery(
      { client: documentClient(new DynamoDBClient(aws)), tableName: config.tableName },
      { retention: retention(config.eventRetentionDays) },
    ),
    // The webhook enqueues; this function only claims and settles (its role cannot put items).
    enqueue: async () => {
      throw new Error('the deliverer does not enqueue lineage events');
    },
  };
  const secrets = new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(aws) });
  const secretId = config.apiKeySecretArn;
  const endpoint = async () => {
    let value: unknown;
    try {
      value = await secrets.get(secretId, { maxAge: LINEAGE_KEY_MAX_AGE_SECONDS, transform: 'json' });
    } catch (error) {
      const name = (error as { cause?: { name?: string } }).cause?.name ?? (error as Error).name;
      throw new ConfigError(`could not read secret ${secretId} from Secrets Manager (${name})`);
    }
    const apiKey = apiKeyOf(secretId, value);
    const parsed = parseOpenLineageConfig({
      OPENLINEAGE_URL: config.openLineageUrl,
      OPENLINEAGE_NAMESPACE: config.openLineageNamespace ?? undefined,
      OPENLINEAGE_API_KEY: apiKey ?? undefined,
    });
    if (parsed === null) throw new ConfigError('OPENLINEAGE_URL is not set');
    return parsed;
  };
  const log = {
    info: (message: string, fields: Record<string, unknown>) => logger.info(message, fields),
    warn: (message: string, fields: Record<string, unknown>) => logger.warn(message, fields),
  };
  return {
    async run(remainingMs) {
      const openLineage = await endpoint();
      const settings = { batchSize: LINEAGE_BATCH_SIZE };
      const worstBatchMs = LINEAGE_BATCH_SIZE * DEFAULT_DELIVERY_SETTINGS.timeoutMs + 5_000;
      const total = { claimed: 0, delivered: 0, retried: 0, deferred: 0, dead: 0 };
      for (let batch = 0; batch < MAX_BATCHES_PER_RUN && remainingMs() > worstBatchMs; batch++) {
        const report = await deliverDue({ outbox, config: openLineage, log, settings });
        for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += report[key];
        if (report.claimed < LINEAGE_BATCH_SIZE) break;
      }
      return { ...total, oldestUndelivered: await outbox.oldestUndelivered() };
    },
  };
}
