import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadLambdaConfig } from '#commons/config/lambda-config';
import { apiKeyOf, wireLineage } from '#commons/deployed/wire-lineage';
import { newOutboxItem } from '#commons/lineage/outbox';
import { buildSyncRunEvent } from '#commons/lineage/run-events';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { LineageMetric, metrics } from '#commons/observability/metrics';
import { makeLineageHandler } from '../../functions/lineage/index.ts';
import { DESTINATIONS, postgresContext } from '../lineage/lineage-fixtures.ts';
import { startReceiver } from '../lineage/lineage-receiver.ts';
import { openCore } from '../support/core.ts';
import { lambdaContext } from '../support/lambda-fixture.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:openlineage-key-AbCdEf';
const KEY = 'ol-Key-9c2e77';
const secrets = mockClient(SecretsManagerClient);

const context = (remainingMs: number): Context => ({
  ...lambdaContext(),
  getRemainingTimeInMillis: () => remainingMs,
});

describe('the OpenLineage deliverer Lambda', () => {
  let dynamo: LocalDynamo;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const saved = { ...process.env };
  let metricCalls: [string, number][];

  beforeAll(async () => {
    [dynamo, receiver] = await Promise.all([startLocalDynamo(), startReceiver()]);
    Object.assign(process.env, {
      TABLE_NAME: dynamo.tableName,
      EVENT_RETENTION_DAYS: '30',
      // A loopback receiver: plain http is allowed there even with a key.
      OPENLINEAGE_URL: `${receiver.url}/api/v1/lineage`,
      OPENLINEAGE_API_KEY_SECRET_ARN: ARN,
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
    await Promise.all([dynamo.close(), receiver.close()]);
  });
  beforeEach(() => {
    metricCalls = [];
    vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      metricCalls.push([name, value]);
      return metrics;
    });
  });
  afterEach(() => {
    secrets.reset();
    vi.restoreAllMocks();
  });

  it('sends every due event, batch after batch, with the key as bearer, and reports nothing undelivered', async () => {
    // Prepare: 20 runs' STARTs in the outbox (more than two batches).
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ apiKey: KEY }) });
    const { repositories } = openCore({ client: dynamo.documentClient, tableName: dynamo.tableName });
    const now = Date.now();
    for (let i = 0; i < 20; i++) {
      const built = buildSyncRunEvent(postgresContext(DESTINATIONS.snowflake ?? null), {
        kind: 'start',
        sync_id: `sync-${i}`,
        at: new Date(now - 60_000 + i).toISOString(),
      });
      await repositories.lineageOutbox.enqueue(newOutboxItem(built, now - 60_000));
    }
    const handler = makeLineageHandler(() => wireLineage(loadLambdaConfig('lineage')));

    // Act
    const run = await handler({ source: 'aws.scheduler' }, context(110_000));

    // Assess
    expect(run).toMatchObject({ claimed: 20, delivered: 20, dead: 0, oldestUndelivered: null });
    expect(receiver.received).toHaveLength(20);
    expect(receiver.received.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    expect(receiver.received.every((r) => r.errors.length === 0)).toBe(true);
    expect(metricCalls).toEqual(
      expect.arrayContaining([
        [LineageMetric.EventsDelivered, 20],
        [LineageMetric.OldestUndeliveredAgeSeconds, 0],
      ]),
    );
  });

  it('starts no batch it could not finish, and reports how old the oldest waiting event is', async () => {
    // Prepare: the empty placeholder secret (no key), one waiting event, too little time left.
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ apiKey: '' }) });
    const { repositories } = openCore({ client: dynamo.documentClient, tableName: dynamo.tableName });
    const created = Date.now() - 600_000;
    const built = buildSyncRunEvent(postgresContext(null), {
      kind: 'start',
      sync_id: 'late-1',
      at: new Date(created).toISOString(),
    });
    await repositories.lineageOutbox.enqueue(newOutboxItem(built, created));
    const handler = makeLineageHandler(() => wireLineage(loadLambdaConfig('lineage')));
    const before = receiver.received.length;

    // Act
    const run = await handler({}, context(20_000));

    // Assess
    expect(run.claimed).toBe(0);
    expect(receiver.received.length).toBe(before);
    const age = metricCalls.find(([name]) => name === LineageMetric.OldestUndeliveredAgeSeconds)?.[1];
    expect(age).toBeGreaterThanOrEqual(590);
  });

  it.each([
    [{ apiKey: KEY }, KEY],
    [{ apiKey: '  ' }, null],
    [{}, null],
  ])('reads the key secret %j', (value, key) => {
    expect(apiKeyOf(ARN, value)).toBe(key);
  });

  it.each([['a plain string'], [{ apiKey: 7 }], [null]])(
    'refuses a key secret shaped %j, naming it only',
    (value) => {
      expect(() => apiKeyOf(ARN, value)).toThrow(`the secret ${ARN} is not JSON like {"apiKey": "…"}`);
    },
  );
});
