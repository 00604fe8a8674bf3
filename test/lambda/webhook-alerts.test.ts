import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HEALTH_EVENT_DETAIL_TYPE, HEALTH_EVENT_SOURCE } from '#commons/alerts/eventbridge-notifier';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { signBody } from '#commons/webhook/signature';
import { TEST_SECRET } from '../fixtures/webhook-payloads.ts';
import { openCore } from '../support/core.ts';
import { forwardDocumentClient, lambdaContext, restEvent } from '../support/lambda-fixture.ts';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

const syncEnd = (syncId: string, created: string, status: string) =>
  JSON.stringify({
    event: 'sync_end',
    created,
    connector_type: 'postgres',
    connector_id: 'pg_orders',
    connector_name: 'orders',
    sync_id: syncId,
    destination_group_id: 'warehouse',
    data: { status, ...(status === 'SUCCESSFUL' ? {} : { reason: 'disk full' }) },
  });

describe('Lambda: webhook handler publishes health changes', () => {
  let dynamo: LocalDynamo;
  let handler: Handler;
  const eventBridge = mockClient(EventBridgeClient);
  const secretsManager = mockClient(SecretsManagerClient);

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    forwardDocumentClient(dynamo.documentClient);
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: TEST_SECRET });
    Object.assign(process.env, {
      TABLE_NAME: dynamo.tableName,
      WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    handler = (await import('../../functions/webhook/index.ts')).handler as unknown as Handler;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    eventBridge.restore();
    secretsManager.restore();
    await dynamo.close();
  });

  const deliver = (body: string) =>
    handler(restEvent(body, { 'X-Fivetran-Signature-256': signBody(body, TEST_SECRET) }), lambdaContext());

  it('puts one event on the default bus per real change and records it for the dashboard; duplicates add none', async () => {
    // Act
    await deliver(syncEnd('s1', '2026-06-01T10:00:00.000Z', 'SUCCESSFUL')); // first seen, healthy: no alert
    await deliver(syncEnd('s2', '2026-06-01T11:00:00.000Z', 'FAILURE'));
    const retried = await deliver(syncEnd('s2', '2026-06-01T11:00:00.000Z', 'FAILURE'));
    const recent = await openCore({
      client: dynamo.documentClient,
      tableName: dynamo.tableName,
    }).repositories.healthChanges.recent();

    // Assess
    expect(retried.statusCode).toBe(200);
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    const entry = calls[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'default',
      Source: HEALTH_EVENT_SOURCE,
      DetailType: HEALTH_EVENT_DETAIL_TYPE,
    });
    expect(JSON.parse(String(entry?.Detail))).toMatchObject({
      connection_id: 'pg_orders',
      from: 'healthy',
      to: 'failing',
      reason: 'disk full',
    });
    expect(recent).toEqual([
      expect.objectContaining({ connection_id: 'pg_orders', from: 'healthy', to: 'failing' }),
    ]);
  });

  it('still answers 200 when EventBridge refuses: the event is already kept', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).rejects(new Error('AccessDeniedException'));

    // Act
    const result = await deliver(syncEnd('s3', '2026-06-01T12:00:00.000Z', 'SUCCESSFUL'));
    const recent = await openCore({
      client: dynamo.documentClient,
      tableName: dynamo.tableName,
    }).repositories.healthChanges.recent();

    // Assess
    expect(result.statusCode).toBe(200);
    expect(recent[0]).toMatchObject({ from: 'failing', to: 'healthy' });
  });
});
