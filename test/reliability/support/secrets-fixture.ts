import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import type { TableRef } from '#commons/store/table/table-ref';
import { eventIdentity } from '#commons/webhook/event-identity';
import { parseEvent } from '#commons/webhook/parse-event';
import type { ProxyHandler } from './lambda-shim.ts';
import { itemsOfKind, scanTable } from './table-snapshot.ts';

/** The deployed Lambdas on real dynalite, with Secrets Manager and EventBridge mocked: the secrets-fault world. */

export const WEBHOOK_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf';
export const API_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fivetran-api-AbCdEf';
export const secretsManager = mockClient(SecretsManagerClient);
export const eventBridge = mockClient(EventBridgeClient);

/** Secrets Manager as an in-memory map, with a switch to make it unavailable. */
export function fakeSecretsManager(initial: Record<string, string>) {
  const values = new Map(Object.entries(initial));
  const state = { down: false, reads: 0 };
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand).callsFake(async (input: { SecretId: string }) => {
    state.reads++;
    if (state.down) {
      throw Object.assign(new Error('Service Unavailable'), {
        name: 'InternalServiceError',
        $metadata: { httpStatusCode: 500 },
      });
    }
    const value = values.get(input.SecretId);
    if (value === undefined)
      throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
    return { SecretString: value };
  });
  secretsManager
    .on(PutSecretValueCommand)
    .callsFake(async (input: { SecretId: string; SecretString: string }) => {
      values.set(input.SecretId, input.SecretString);
      return {};
    });
  return { values, state };
}

export function eventIdsOf(bodies: Iterable<string>): Set<string> {
  const ids = new Set<string>();
  for (const body of bodies) {
    const parsed = parseEvent(Buffer.from(body));
    if (parsed.ok) ids.add(eventIdentity(parsed.event.payload));
  }
  return ids;
}

export async function storedEventIds(table: TableRef): Promise<Set<string>> {
  const events = itemsOfKind(await scanTable(table), 'EVENT');
  return new Set([...events.values()].map((item) => String(item.pk).replace(/^EVENT#/, '')));
}

/** Registers the hooks: dynalite up, the Lambdas' environment set, a cold start per test. */
export function useSecretsLambdaWorld(): {
  readonly table: TableRef;
  webhookHandler(): Promise<ProxyHandler>;
} {
  let dynamo: LocalDynamo;
  let table: TableRef;
  const saved = { ...process.env };
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    table = { client: dynamo.documentClient, tableName: dynamo.tableName };
    Object.assign(process.env, {
      TABLE_NAME: dynamo.tableName,
      WEBHOOK_SECRET_ARN: WEBHOOK_ARN,
      API_CREDENTIAL_SECRET_ARN: API_ARN,
      EVENT_RETENTION_DAYS: '90',
      SCHEMA_REQUEST_BUDGET: '0',
      // The Lambdas build their own DynamoDB clients; the SDK honours the service endpoint variable.
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await dynamo.close();
  });
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    // A cold start per test: the handler module and its secret cache are fresh.
    vi.resetModules();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function webhookHandler(): Promise<ProxyHandler> {
    return (await import('../../../functions/webhook/index.ts')).handler as unknown as ProxyHandler;
  }
  return {
    get table() {
      return table;
    },
    webhookHandler,
  };
}
