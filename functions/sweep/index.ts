/**
 * Sweep Lambda: EventBridge Scheduler runs it on a schedule; the api Lambda invokes it asynchronously with
 * `{ "sweep_id": "…" }` for `POST /api/sweeps`. One sweep of the Fivetran REST API into the table, within
 * the invocation's remaining time. Env: TABLE_NAME, API_CREDENTIAL_SECRET_ARN, SCHEMA_REQUEST_BUDGET,
 * EVENT_RETENTION_DAYS, optional FIVETRAN_API_URL. A failed sweep throws, so the function's on-failure
 * destination keeps it; a sweep that finds the lease held by another is not a failure.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { eventBridgeHealthNotifier } from '#commons/alerts/eventbridge-notifier';
import { fanOutHealthNotifier } from '#commons/alerts/fan-out-notifier';
import { healthChangeLog } from '#commons/alerts/health-change-log';
import { type FivetranCredential, fivetranApiUrl, integer } from '#commons/config';
import { readCredentialSecret } from '#commons/fivetran/credential-secret';
import { logger } from '#commons/powertools/logger';
import { MetricUnit, metrics, SweepMetric } from '#commons/powertools/metrics';
import { documentClient } from '#commons/store/document-client';
import { createStore, type Store } from '#commons/store/store';
import type { SweepRecord } from '#commons/store/sweep-items';
import type { TableRef } from '#commons/store/table-ref';
import { type CredentialSource, runSweep } from '#commons/sweep/run-sweep';
import { isSweepId } from '#commons/sweep/sweep-control';

/** The credential is re-read after this long, and at once after a 401. */
export const CREDENTIAL_CACHE_MS = 5 * 60_000;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

interface Wiring {
  readonly table: TableRef;
  readonly store: Store;
  readonly secretArn: string;
  readonly credentials: CredentialSource;
}

/** Built on the first invocation and kept for the container's life (clients, credential cache). */
let wiring: Wiring | undefined;

function getWiring(): Wiring {
  if (wiring) return wiring;
  const secretArn = required('API_CREDENTIAL_SECRET_ARN');
  const table: TableRef = {
    client: documentClient(new DynamoDBClient({})),
    tableName: required('TABLE_NAME'),
  };
  const secrets = new SecretsManagerClient({});
  let cached: { credential: FivetranCredential; readAtMs: number } | null = null;
  const read = async () => {
    const credential = await readCredentialSecret(secretArn, secrets);
    cached = { credential, readAtMs: Date.now() };
    return credential;
  };
  const store = createStore({
    ...table,
    retentionDays: integer(process.env, 'EVENT_RETENTION_DAYS', 90, 1, 3650),
    notifier: fanOutHealthNotifier([
      eventBridgeHealthNotifier(new EventBridgeClient({})),
      healthChangeLog(table),
      // Real changes only: a first sweep of a large account would otherwise log every connection.
      {
        onHealthChange: (change) => {
          if (change.previous !== null) logger.info('connection health changed', { change });
        },
      },
    ]),
    onNotifierError: (error, change) =>
      logger.error('health notifier failed', { error, connection_id: change.connection_id }),
  });
  wiring = {
    table,
    store,
    secretArn,
    credentials: {
      get: async () =>
        cached && Date.now() - cached.readAtMs < CREDENTIAL_CACHE_MS ? cached.credential : read(),
      refresh: read,
    },
  };
  return wiring;
}

/** Forgets the cached clients and credential (tests). */
export function resetSweepWiring(): void {
  wiring = undefined;
}

/** A sweep that failed: thrown so the asynchronous invocation lands in the failed-work queue. */
export class SweepFailedError extends Error {
  override name = 'SweepFailedError';
}

function publishMetrics(record: SweepRecord): void {
  const count = (name: string, value: number) => metrics.addMetric(name, MetricUnit.Count, value);
  const listed = record.outcome !== 'failed';
  count(SweepMetric.SweepSucceeded, listed ? 1 : 0);
  count(SweepMetric.SweepPartial, record.outcome === 'partial' ? 1 : 0);
  count(SweepMetric.SweepFailed, listed ? 0 : 1);
  count(SweepMetric.ConnectionsSeen, record.connections_seen);
  count(SweepMetric.ItemsWritten, record.items_written);
  count(SweepMetric.ApiRequests, record.requests.total);
  count(SweepMetric.ApiThrottled, record.requests.by_status['429'] ?? 0);
  if (record.webhook_active !== null) count(SweepMetric.WebhookActive, record.webhook_active ? 1 : 0);
}

export type SweepAnswer =
  | { readonly status: 'busy'; readonly running: string }
  | { readonly status: 'finished'; readonly record: SweepRecord };

async function sweepHandler(event: unknown, context: Context): Promise<SweepAnswer> {
  const { table, store, secretArn, credentials } = getWiring();
  const requested = (event as { sweep_id?: unknown } | null)?.sweep_id;
  if (requested !== undefined && !isSweepId(requested)) {
    logger.warn('ignoring a malformed sweep_id; using a fresh one');
  }
  const result = await runSweep({
    table,
    store,
    fivetran: {
      baseUrl: fivetranApiUrl(process.env.FIVETRAN_API_URL?.trim() || undefined),
      credential: credentials,
      credentialName: `the secret ${secretArn}`,
    },
    schemaRequestBudget: integer(process.env, 'SCHEMA_REQUEST_BUDGET', 200, 0, 100_000),
    remainingMs: () => context.getRemainingTimeInMillis(),
    ...(isSweepId(requested) ? { sweepId: requested } : {}),
    log: (line) => logger.info(line),
  });
  if (result.status === 'busy') {
    logger.info('sweep not started: another sweep holds the lease', { running: result.id });
    return { status: 'busy', running: result.id };
  }
  const { record } = result;
  publishMetrics(record);
  if (record.outcome === 'failed') {
    logger.error('sweep failed', { sweep: record });
    throw new SweepFailedError(`sweep ${record.id} failed: ${record.error ?? 'unknown error'}`);
  }
  return { status: 'finished', record };
}

export const handler = middy(sweepHandler)
  .use(injectLambdaContext(logger, { logEvent: false }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
