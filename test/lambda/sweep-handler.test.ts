import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadLambdaConfig } from '#commons/config/lambda-config';
import { wireSweep } from '#commons/deployed/wire-sweep';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { metrics } from '#commons/observability/metrics';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';
import { makeSweepHandler } from '../../functions/sweep/index.ts';
import { openCore } from '../support/core.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fivetran-api-AbCdEf';
const secrets = mockClient(SecretsManagerClient);
const events = mockClient(EventBridgeClient);

function context(remainingMs = 900_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'fivetran-metadata-sweep',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fivetran-metadata-sweep',
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: '/aws/lambda/fivetran-metadata-sweep',
    logStreamName: '2026/06/01/[$LATEST]abc',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

const scheduledEvent = { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} };
const credentialJson = (sim: Simulator) => JSON.stringify(sim.credential);

describe('sweep Lambda', () => {
  let sim: Simulator;
  let dynamo: LocalDynamo;
  let handler: ReturnType<typeof makeSweepHandler>;
  const saved = { ...process.env };
  let metricCalls: [string, number][];

  beforeAll(async () => {
    [sim, dynamo] = await Promise.all([
      startSimulator({ seed: 29, groups: 2, connections: 12 }),
      startLocalDynamo(),
    ]);
    Object.assign(process.env, {
      TABLE_NAME: dynamo.tableName,
      API_CREDENTIAL_SECRET_ARN: ARN,
      SCHEMA_REQUEST_BUDGET: '5',
      EVENT_RETENTION_DAYS: '30',
      FIVETRAN_API_URL: sim.url,
      // The real table is dynalite: the SDK honours the service endpoint variable.
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
    await Promise.all([sim.close(), dynamo.close()]);
  });
  beforeEach(() => {
    // A fresh function instance per test: its own clients and an empty secret cache.
    handler = makeSweepHandler(() => wireSweep(loadLambdaConfig('sweep')));
    sim.faults.clear();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    metricCalls = [];
    vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      metricCalls.push([name, value]);
      return metrics;
    });
  });
  afterEach(() => {
    secrets.reset();
    events.reset();
    vi.restoreAllMocks();
  });

  it('sweeps on the schedule: records, publishes health events and metrics, caches the credential', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: credentialJson(sim) });

    // Act
    const first = await handler(scheduledEvent, context());
    const second = await handler(scheduledEvent, context());

    // Assess
    expect(first).toMatchObject({ status: 'finished', record: { outcome: 'partial', connections_seen: 12 } });
    // Five more schema summaries, plus their destination tables (counted item by item in full-sweep.test.ts).
    expect(second).toMatchObject({ status: 'finished', record: { schema_fetches: 5 } });
    expect(second.status === 'finished' && second.record.items_written).toBeGreaterThanOrEqual(5);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    // Alerts for connections first seen failing or delayed (a first sight of a healthy one is not news).
    const stored = await openCore({
      client: dynamo.documentClient,
      tableName: dynamo.tableName,
    }).repositories.connections.readAll();
    const troubled = [...stored.values()].filter((c) =>
      ['failing', 'delayed'].includes(c.value?.health ?? ''),
    );
    expect(troubled.length).toBeGreaterThan(0);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(troubled.length);
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ Source: 'fivetran-metadata', DetailType: 'Connection Health Changed' });
    expect(metricCalls).toEqual(
      expect.arrayContaining([
        ['SweepSucceeded', 1],
        ['SweepFailed', 0],
        ['ConnectionsSeen', 12],
        ['ApiThrottled', 0],
      ]),
    );
  });

  it('uses the sweep_id the api Lambda assigned', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: credentialJson(sim) });

    // Act
    const answer = await handler({ sweep_id: 'api-assigned-1' }, context());

    // Assess
    expect(answer).toMatchObject({ status: 'finished', record: { id: 'api-assigned-1' } });
  });

  it('throws on a 401 (so the failure destination keeps it), after re-reading the secret once', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: credentialJson(sim) });
    sim.faults.add({ kind: 'status', status: 401, endpoint: 'GET /v1/groups' });

    // Act
    const failure = await handler(scheduledEvent, context()).catch((error: unknown) => error as Error);

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('SweepFailedError');
    expect((failure as Error).message).toMatch(new RegExp(`HTTP 401.*Update the secret ${ARN}`));
    expect((failure as Error).message).not.toContain(sim.credential.apiSecret);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(metricCalls).toEqual(expect.arrayContaining([['SweepFailed', 1]]));
  });

  it('picks up a rotated key without a redeploy', async () => {
    // Prepare: the cached key was regenerated at Fivetran; the secret already holds the new one.
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify({ apiKey: 'old', apiSecret: 'revoked' }) })
      .resolves({ SecretString: credentialJson(sim) });

    // Act
    const answer = await handler(scheduledEvent, context());

    // Assess
    expect(answer).toMatchObject({ status: 'finished', record: { requests: { by_status: { '401': 1 } } } });
    expect(answer.status === 'finished' && answer.record.outcome).not.toBe('failed');
  });

  it('returns quietly when another sweep holds the lease', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: credentialJson(sim) });
    const { repositories } = openCore({ client: dynamo.documentClient, tableName: dynamo.tableName });
    await repositories.sweepLease.acquire({ sweepId: 'other-sweep', nowMs: Date.now(), durationMs: 60_000 });

    // Act
    const answer = await handler(scheduledEvent, context());

    // Assess
    expect(answer).toEqual({ status: 'busy', running: 'other-sweep' });
    await repositories.sweepLease.release('other-sweep');
  });

  it("records not_configured without throwing while the secret holds the stack's empty placeholder", async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"apiKey":"","apiSecret":""}' });

    // Act
    const answer = await handler(scheduledEvent, context());

    // Assess
    expect(answer).toMatchObject({
      status: 'finished',
      record: { outcome: 'not_configured', error_code: 'not_configured', requests: { total: 0 } },
    });
    expect(metricCalls).toEqual([['SweepNotConfigured', 1]]);
  });
});
