import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { createStore } from '#commons/store/store';
import { eventIdentity } from '#commons/webhook/event-identity';
import { parseEvent } from '#commons/webhook/parse-event';
import { signBody } from '#commons/webhook/signature';
import { syncEndFailureWithTask, syncEndSuccessful, TEST_SECRET } from '../fixtures/webhook-payloads.ts';
import { forwardDocumentClient, lambdaContext, restEvent } from '../webhook/lambda-fixture.ts';

type Handler = (
  event: unknown,
  context: unknown,
) => Promise<{ statusCode: number; body: string; headers: Record<string, string> }>;

describe('Lambda: api handler', () => {
  let dynamo: LocalDynamo;
  let handler: Handler;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    const store = createStore({
      client: dynamo.documentClient,
      tableName: dynamo.tableName,
      retentionDays: 90,
    });
    for (const body of [syncEndSuccessful, syncEndFailureWithTask]) {
      const parsed = parseEvent(Buffer.from(body));
      if (!parsed.ok) throw new Error(parsed.reason);
      await store.recordEvent(parsed.event, eventIdentity(parsed.event.payload), Buffer.from(body));
    }
    forwardDocumentClient(dynamo.documentClient);
    Object.assign(process.env, {
      TABLE_NAME: dynamo.tableName,
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
    await dynamo.close();
  });

  const get = async (path: string, query: Record<string, string> = {}) => {
    const result = await handler(restEvent('', {}, { method: 'GET', path, query }), lambdaContext());
    return {
      status: result.statusCode,
      body: JSON.parse(result.body) as Record<string, unknown>,
      headers: result.headers,
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
});
