import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { signBody } from '#commons/webhook/signature';
import { TEST_SECRET } from '../fixtures/webhook-payloads.ts';
import { openLineageErrors } from '../lineage/openlineage-validator.ts';
import { openCore } from '../support/core.ts';
import { lambdaContext, restEvent } from '../support/lambda-fixture.ts';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

const sync = (event: 'sync_start' | 'sync_end', syncId: string, created: string) =>
  JSON.stringify({
    event,
    created,
    connector_type: 'postgres',
    connector_id: 'lambda_pg',
    connector_name: 'shop_pg',
    sync_id: syncId,
    destination_group_id: 'group_a',
    ...(event === 'sync_end' ? { data: { status: 'SUCCESSFUL' } } : {}),
  });

describe('Lambda: the webhook function enqueues OpenLineage events when OPENLINEAGE_URL is set', () => {
  let dynamo: LocalDynamo;
  const secretsManager = mockClient(SecretsManagerClient);
  const saved = { ...process.env };

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    process.env = saved;
    await dynamo.close();
  });
  beforeEach(() => {
    vi.resetModules();
    Object.assign(process.env, {
      TABLE_NAME: dynamo.tableName,
      WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf',
      EVENT_RETENTION_DAYS: '90',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    delete process.env.OPENLINEAGE_URL;
    delete process.env.OPENLINEAGE_NAMESPACE;
    secretsManager.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: TEST_SECRET });
  });
  afterEach(() => vi.restoreAllMocks());

  async function handler(): Promise<Handler> {
    return (await import('../../functions/webhook/index.ts')).handler as unknown as Handler;
  }
  const deliver = async (handle: Handler, body: string) =>
    handle(restEvent(body, { 'X-Fivetran-Signature-256': signBody(body, TEST_SECRET) }), lambdaContext());
  const queued = () =>
    openCore({
      client: dynamo.documentClient,
      tableName: dynamo.tableName,
    }).repositories.lineageOutbox.claimDue(Date.now() + 3_600_000, 50, 1_000);

  it('stores a sync’s START and COMPLETE in the outbox, valid, once however often Fivetran retries', async () => {
    // Prepare
    Object.assign(process.env, { OPENLINEAGE_URL: 'https://marquez.example', OPENLINEAGE_NAMESPACE: 'prod' });
    const handle = await handler();
    const start = sync('sync_start', 'lambda-1', '2026-06-01T10:00:00.000Z');
    const end = sync('sync_end', 'lambda-1', '2026-06-01T10:04:00.000Z');

    // Act
    const answers = [];
    for (const body of [start, end, start, end]) answers.push((await deliver(handle, body)).statusCode);
    const claims = await queued();

    // Assess
    expect(answers).toEqual([200, 200, 200, 200]);
    const events = claims.map((c) => c.item.event).filter((e) => e.job.name === 'shop_pg');
    expect(events.map((e) => e.eventType).sort()).toEqual(['COMPLETE', 'START']);
    expect(events.every((e) => e.job.namespace === 'prod')).toBe(true);
    for (const event of events) expect(openLineageErrors(event)).toEqual([]);
  });

  it('answers 503 while OPENLINEAGE_NAMESPACE is unusable, so Fivetran retries once it is fixed', async () => {
    // Prepare
    Object.assign(process.env, {
      OPENLINEAGE_URL: 'https://marquez.example',
      OPENLINEAGE_NAMESPACE: 'a\u0007b',
    });
    const handle = await handler();

    // Act
    const answer = await deliver(handle, sync('sync_start', 'lambda-2', '2026-06-01T11:00:00.000Z'));

    // Assess
    expect(answer.statusCode).toBe(503);
  });

  it('enqueues nothing without OPENLINEAGE_URL', async () => {
    // Prepare
    const handle = await handler();
    const before = (await queued()).length;

    // Act
    const answer = await deliver(handle, sync('sync_start', 'lambda-3', '2026-06-01T12:00:00.000Z'));

    // Assess
    expect(answer.statusCode).toBe(200);
    expect((await queued()).length).toBe(before);
  });
});
