import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { connectionKey } from '#commons/store/table/keys';
import { signBody } from '#commons/webhook/signature';
import { creationProbe, syncEndSuccessful, TEST_SECRET } from '../fixtures/webhook-payloads.ts';
import { forwardDocumentClient, httpApiEvent, lambdaContext, restEvent } from '../support/lambda-fixture.ts';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

const ROTATED_SECRET = 'whsec-test-rotated-0123456789abcdef0123';
const signed = (body: string, secret = TEST_SECRET) => ({
  'X-Fivetran-Signature-256': signBody(body, secret),
});

describe('Lambda: webhook handler', () => {
  let dynamo: LocalDynamo;
  const secretsManager = mockClient(SecretsManagerClient);
  let failConnectionWrites = 0;
  let handler: Handler;
  let recordedMetrics: string[];

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    forwardDocumentClient(dynamo.documentClient, (command, input) => {
      const item = input.Item as Record<string, unknown> | undefined;
      if (command === 'Put' && item?.sk === 'CONNECTION' && failConnectionWrites > 0) {
        failConnectionWrites--;
        throw Object.assign(new Error('Service unavailable'), { name: 'InternalServerError', $metadata: {} });
      }
    });
  });
  afterAll(async () => {
    await dynamo.close();
  });

  beforeEach(async () => {
    // Fresh module per test: a cold start with an empty secret cache.
    vi.resetModules();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-06-01T12:00:00.000Z'));
    Object.assign(process.env, {
      TABLE_NAME: dynamo.tableName,
      WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf',
      EVENT_RETENTION_DAYS: '90',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: TEST_SECRET });
    failConnectionWrites = 0;
    const { metrics } = await import('#commons/observability/metrics');
    recordedMetrics = [];
    vi.spyOn(metrics, 'addMetric').mockImplementation((name) => {
      recordedMetrics.push(name);
      return metrics;
    });
    handler = (await import('../../functions/webhook/index.ts')).handler as unknown as Handler;
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  const invoke = (event: unknown) => handler(event, lambdaContext());
  const metricNames = () => recordedMetrics;

  it('stores a signed event and answers 200 with its id', async () => {
    // Act
    const result = await invoke(restEvent(syncEndSuccessful, signed(syncEndSuccessful)));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({
      event: 'sync_end',
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(metricNames()).toEqual(['EventStored']);
  });

  it('answers 503 and stores nothing when Secrets Manager is down', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('unreachable'), { name: 'InternalServiceError' }));
    const body = syncEndSuccessful.replace('assimilate_seem', 'conn_sm_down');

    // Act
    const result = await invoke(restEvent(body, signed(body)));

    // Assess
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body)).toEqual({ message: expect.any(String) });
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({ TableName: dynamo.tableName, Key: connectionKey('conn_sm_down') }),
    );
    expect(Item).toBeUndefined();
    expect(metricNames()).toEqual(['StoreUnavailable']);
  });

  it('accepts a delivery signed with a just-rotated secret after one re-read, and re-reads at most every 30 s', async () => {
    // Prepare: the cache holds the old secret.
    const first = await invoke(restEvent(syncEndSuccessful, signed(syncEndSuccessful)));
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: `${ROTATED_SECRET},${TEST_SECRET}` });
    const body = syncEndSuccessful.replace('assimilate_seem', 'conn_rotated');
    const junk = { 'X-Fivetran-Signature-256': 'A'.repeat(64) };

    // Act
    const rotated = await invoke(restEvent(body, signed(body, ROTATED_SECRET)));
    const callsAfterRotation = secretsManager.commandCalls(GetSecretValueCommand).length;
    const junkSoon = await invoke(restEvent(body, junk));
    const callsAfterJunk = secretsManager.commandCalls(GetSecretValueCommand).length;
    vi.setSystemTime(new Date('2026-06-01T12:00:31.000Z'));
    const junkLater = await invoke(restEvent(body, junk));

    // Assess
    expect(first.statusCode).toBe(200);
    expect(rotated.statusCode).toBe(200);
    expect(callsAfterRotation).toBe(2);
    expect(junkSoon.statusCode).toBe(401);
    expect(callsAfterJunk).toBe(2);
    expect(junkLater.statusCode).toBe(401);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });

  it('answers 503 when DynamoDB fails after the event write, and the retried delivery completes the connection', async () => {
    // Prepare
    const body = syncEndSuccessful.replace('assimilate_seem', 'conn_heal');
    failConnectionWrites = 1;

    // Act
    const failed = await invoke(restEvent(body, signed(body)));
    const afterFailure = await dynamo.documentClient.send(
      new GetCommand({ TableName: dynamo.tableName, Key: connectionKey('conn_heal') }),
    );
    const retried = await invoke(restEvent(body, signed(body)));

    // Assess
    expect(failed.statusCode).toBe(503);
    expect(afterFailure.Item).toBeUndefined();
    expect(retried.statusCode).toBe(200);
    expect(JSON.parse(retried.body)).toMatchObject({ duplicate: true });
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({ TableName: dynamo.tableName, Key: connectionKey('conn_heal') }),
    );
    expect(Item).toMatchObject({ health: 'healthy', last_sync: { status: 'SUCCESSFUL' } });
    expect(metricNames()).toEqual(['StoreUnavailable', 'DuplicateIgnored']);
  });

  it('verifies the base64-decoded bytes when API Gateway flags the body as base64', async () => {
    // Prepare
    const body = syncEndSuccessful.replace('assimilate_seem', 'conn_base64');

    // Act
    const result = await invoke(restEvent(body, signed(body), { base64: true }));

    // Assess
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body).event).toBe('sync_end');
  });

  it.each([
    [
      'upper-case name, lower-case hex',
      (body: string) => ({ 'X-FIVETRAN-SIGNATURE-256': signBody(body, TEST_SECRET).toLowerCase() }),
    ],
    ['lower-case name', (body: string) => ({ 'x-fivetran-signature-256': signBody(body, TEST_SECRET) })],
  ])('reads the signature header in any case (%s)', async (_name, headers) => {
    // Act
    const result = await invoke(restEvent(syncEndSuccessful, headers(syncEndSuccessful)));

    // Assess
    expect(result.statusCode).toBe(200);
  });

  it('takes HTTP API (payload 2.0) events too', async () => {
    // Act
    const result = await invoke(httpApiEvent(syncEndSuccessful, signed(syncEndSuccessful)));

    // Assess
    expect(result.statusCode).toBe(200);
  });

  it.each([
    ['the unsigned creation probe', restEvent(creationProbe, {}), 200, 'ProbeAnswered'],
    ['an unsigned event', restEvent(syncEndSuccessful, {}), 401, 'SignatureInvalid'],
    [
      'a repeated signature header',
      {
        ...restEvent(syncEndSuccessful, {}),
        multiValueHeaders: {
          'X-Fivetran-Signature-256': [signBody(syncEndSuccessful, TEST_SECRET), 'B'.repeat(64)],
        },
      },
      401,
      'SignatureInvalid',
    ],
    ['a signed non-JSON body', restEvent('not json', signed('not json')), 200, 'EventQuarantined'],
    ['an oversized body', restEvent('x'.repeat(256 * 1024 + 1), {}), 413, 'BodyTooLarge'],
  ])('answers %s with %i', async (_name, event, status, metric) => {
    // Act
    const result = await invoke(event);

    // Assess
    expect(result.statusCode).toBe(status);
    expect(metricNames()).toEqual([metric]);
  });

  it('never writes a secret, a signature or a body to its logs', async () => {
    // Prepare: log everything, and capture what reaches stdout/stderr.
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
    vi.resetModules();
    handler = (await import('../../functions/webhook/index.ts')).handler as unknown as Handler;
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const body = syncEndSuccessful.replace('assimilate_seem', 'conn_logs');
    const signature = signBody(body, ROTATED_SECRET);

    // Act
    await invoke(restEvent(body, signed(body)));
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: `${ROTATED_SECRET},${TEST_SECRET}` });
    await invoke(restEvent(body, { 'X-Fivetran-Signature-256': signature }));
    secretsManager.on(GetSecretValueCommand).rejects(new Error('unreachable'));
    vi.setSystemTime(new Date('2026-06-01T13:00:00.000Z'));
    await invoke(restEvent(body, { 'X-Fivetran-Signature-256': signature }));

    // Assess
    delete process.env.POWERTOOLS_LOGGER_LOG_EVENT;
    const output = written.join('');
    expect(output).toContain('webhook answered');
    for (const secretText of [TEST_SECRET, ROTATED_SECRET, signature, body]) {
      expect(output).not.toContain(secretText);
    }
  });
});
