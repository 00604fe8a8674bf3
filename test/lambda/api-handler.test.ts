import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { eventIdentity } from '#commons/webhook/event-identity';
import { parseEvent } from '#commons/webhook/parse-event';
import { signBody } from '#commons/webhook/signature';
import { syncEndFailureWithTask, syncEndSuccessful, TEST_SECRET } from '../fixtures/webhook-payloads.ts';
import { openCore } from '../support/core.ts';
import { forwardDocumentClient, lambdaContext, restEvent } from '../support/lambda-fixture.ts';

type Handler = (
  event: unknown,
  context: unknown,
) => Promise<{
  statusCode: number;
  body: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
}>;

describe('Lambda: api handler', () => {
  let dynamo: LocalDynamo;
  let handler: Handler;
  const lambda = mockClient(LambdaClient);

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    const core = openCore({ client: dynamo.documentClient, tableName: dynamo.tableName });
    for (const body of [syncEndSuccessful, syncEndFailureWithTask]) {
      const parsed = parseEvent(Buffer.from(body));
      if (!parsed.ok) throw new Error(parsed.reason);
      await core.recorder.recordEvent(parsed.event, eventIdentity(parsed.event.payload), Buffer.from(body));
    }
    forwardDocumentClient(dynamo.documentClient);
    Object.assign(process.env, {
      TABLE_NAME: dynamo.tableName,
      SWEEP_FUNCTION_NAME: 'fivetran-metadata-sweep',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    handler = (await import('../../functions/api/index.ts')).handler as unknown as Handler;
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    lambda.restore();
    await dynamo.close();
  });
  beforeEach(() => {
    lambda.reset();
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  });

  const get = async (path: string, query: Record<string, string> = {}, method = 'GET') => {
    const result = await handler(restEvent('', {}, { method, path, query }), lambdaContext());
    return {
      status: result.statusCode,
      body: JSON.parse(result.body) as Record<string, unknown>,
      // hono/aws-lambda answers a REST proxy event with multi-value headers, which API Gateway accepts.
      headers:
        result.headers ??
        Object.fromEntries(
          Object.entries(result.multiValueHeaders ?? {}).map(([name, values]) => [name, values.join(', ')]),
        ),
    };
  };

  it('lists connections through the shared router, with no bearer token (IAM guards the front door)', async () => {
    // Act
    const result = await get('/api/connections', { health: 'failing' });

    // Assess
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toMatch(/application\/json/);
    expect(result.body).toEqual({
      items: [expect.objectContaining({ id: 'empty_bount', health: 'failing' })],
      next_cursor: null,
    });
  });

  it('pages and refuses a cursor reused with other filters', async () => {
    // Act
    const first = await get('/api/connections', { limit: '1' });
    const second = await get('/api/connections', { limit: '1', cursor: String(first.body.next_cursor) });
    const reused = await get('/api/connections', {
      limit: '1',
      service: 'x',
      cursor: String(first.body.next_cursor),
    });

    // Assess
    expect((first.body.items as { id: string }[])[0]?.id).toBe('assimilate_seem');
    expect((second.body.items as { id: string }[])[0]?.id).toBe('empty_bount');
    expect(reused.status).toBe(400);
  });

  it('shows a connection with its syncs, and 404 for an unknown one', async () => {
    // Act
    const found = await get('/api/connections/assimilate_seem');
    const missing = await get('/api/connections/nope');

    // Assess
    expect(found.body).toMatchObject({ id: 'assimilate_seem', syncs: [{ status: 'SUCCESSFUL' }] });
    expect(missing).toMatchObject({ status: 404, body: { message: expect.any(String) } });
  });

  it('serves neither the webhook nor /healthz', async () => {
    // Act
    const webhook = await handler(
      restEvent(syncEndSuccessful, { 'X-Fivetran-Signature-256': signBody(syncEndSuccessful, TEST_SECRET) }),
      lambdaContext(),
    );
    const healthz = await get('/healthz');

    // Assess
    expect(webhook.statusCode).toBe(404);
    expect(healthz.status).toBe(404);
  });

  it('starts a sweep by invoking the sweep function asynchronously with a new sweep id: 202', async () => {
    // Act
    const result = await get('/api/sweeps', {}, 'POST');

    // Assess
    expect(result.status).toBe(202);
    const calls = lambda.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'fivetran-metadata-sweep', InvocationType: 'Event' });
    const payload = JSON.parse(Buffer.from(input?.Payload as Uint8Array).toString('utf8'));
    expect(payload).toEqual({ sweep_id: result.body.id });
    expect(result.body.id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
  });

  it('answers 503 when the sweep function refuses the invocation', async () => {
    // Prepare
    lambda
      .on(InvokeCommand)
      .rejects(
        Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException', $metadata: {} }),
      );

    // Act
    const result = await get('/api/sweeps', {}, 'POST');

    // Assess
    expect(result).toMatchObject({ status: 503, body: { message: expect.any(String) } });
  });

  it('answers 409 with the running sweep and invokes nothing while a sweep holds the lease', async () => {
    // Prepare
    await openCore({
      client: dynamo.documentClient,
      tableName: dynamo.tableName,
    }).repositories.sweepLease.acquire({
      sweepId: 'running-sweep',
      nowMs: Date.now(),
      durationMs: 60_000,
    });

    // Act
    const result = await get('/api/sweeps', {}, 'POST');

    // Assess
    expect(result).toMatchObject({ status: 409, body: { id: 'running-sweep', message: expect.any(String) } });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('reports deployed mode and serves no dashboard', async () => {
    // Act
    const summary = await get('/api/summary');
    const page = await get('/');

    // Assess
    expect(summary.body).toMatchObject({ mode: 'deployed', connections_total: 2 });
    expect(page.status).toBe(404);
  });

  it('answers 405 for POST /api/sweeps when SWEEP_FUNCTION_NAME is not set', async () => {
    // Prepare
    vi.resetModules();
    delete process.env.SWEEP_FUNCTION_NAME;
    const fresh = (await import('../../functions/api/index.ts')).handler as unknown as Handler;

    // Act
    const result = await fresh(restEvent('', {}, { method: 'POST', path: '/api/sweeps' }), lambdaContext());

    // Assess
    expect(result.statusCode).toBe(405);
    expect(JSON.parse(result.body).message).toMatch(/SWEEP_FUNCTION_NAME/);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});
