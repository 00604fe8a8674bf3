import { describe, expect, it } from 'vitest';
import { collectItems } from '#commons/fivetran/client';
import {
  CredentialRejectedError,
  EndpointUnavailableError,
  FivetranApiError,
  isConnectionGone,
  isMissingSchemaConfig,
  NotFoundError,
  PermissionMissingError,
  RateLimitedError,
  UnreachableError,
} from '#commons/fivetran/errors';
import { lastSevenDays } from '#commons/fivetran/sync-history';
import { fixtureClient, type SentRequest } from '../fixtures/fivetran/fixture-fetch.ts';

const NOW = Date.parse('2026-11-03T08:00:00Z');

describe('the client over fixtures: every error body Fivetran sends', () => {
  it.each([
    ['a bodiless 401', 401, undefined, CredentialRejectedError, 'FIVETRAN_API_KEY/FIVETRAN_API_SECRET'],
    ['Forbidden', 403, 'errors/forbidden.json', PermissionMissingError, 'Required permission: ACCOUNT_READ'],
    ['InvalidInput', 400, 'errors/invalid-input.json', FivetranApiError, 'InvalidInput'],
    ['Conflict', 409, 'errors/conflict.json', FivetranApiError, 'Conflict'],
    [
      'BadRequest (failed probe)',
      400,
      'errors/bad-request-webhook-probe.json',
      FivetranApiError,
      'answered 502',
    ],
    ['NotAcceptable', 406, 'errors/not-acceptable.json', FivetranApiError, 'HTTP 406'],
    ['UnsupportedMediaType', 415, 'errors/unsupported-media-type.json', FivetranApiError, 'HTTP 415'],
    ['NotFound_Connector', 404, 'errors/not-found-connector.json', NotFoundError, 'NotFound_Connector'],
  ])('turns %s into its typed error, without retrying', async (_, status, body, type, detail) => {
    // Prepare
    const sent: SentRequest[] = [];
    const client = fixtureClient({ 'POST /v1/webhooks/account': { status, fixture: body } }, sent);

    // Act
    const error = await client
      .createAccountWebhook({ url: 'https://metadata.example.net/webhooks/fivetran', events: ['sync_end'] })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toContain(detail);
    expect((error as Error).message).not.toContain('fixture-secret');
    expect(sent).toHaveLength(1);
  });

  it('retries a 500 on a read, then reports the API unreachable', async () => {
    // Prepare
    const sent: SentRequest[] = [];
    const client = fixtureClient(
      { 'GET /v1/groups': { status: 500, fixture: 'errors/internal-error.json' } },
      sent,
      {
        maxAttempts: 3,
      },
    );

    // Act
    const error = await collectItems(client.groupPages()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as UnreachableError).lastStatus).toBe(500);
    expect(sent).toHaveLength(3);
  });

  it('reads the plan from a 429 message and stops on a Retry-After beyond the time left', async () => {
    // Prepare
    const client = fixtureClient(
      {
        'GET /v1/groups': {
          status: 429,
          fixture: 'errors/too-many-requests.json',
          headers: { 'Retry-After': '3600' },
        },
      },
      [],
      { remainingMs: () => 60_000 },
    );

    // Act
    const error = await collectItems(client.groupPages()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(3600);
    expect(client.rateLimit.limit).toBe(500);
  });

  it.each([
    ['NotFound_SchemaConfig', 'errors/not-found-schema-config.json', true],
    ['the generic NotFound', 'errors/not-found-generic.json', true],
    ['a bodiless 404', undefined, true],
    ['NotFound_Connector', 'errors/not-found-connector.json', false],
  ])('reads %s on the schema path as "no schema config" or not', async (_, body, missing) => {
    // Prepare
    const client = fixtureClient({
      'GET /v1/connections/brisk_comet/schemas': { status: 404, fixture: body },
    });

    // Act
    const error = await client.connectionSchemas('brisk_comet').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(isMissingSchemaConfig(error)).toBe(missing);
    expect(isConnectionGone(error)).toBe(!missing);
  });

  it('does not read a generic 404 elsewhere as a missing schema', async () => {
    // Prepare
    const client = fixtureClient({
      'GET /v1/connections/x': { status: 404, fixture: 'errors/not-found-generic.json' },
    });

    // Act
    const error = await client.connection('x').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(isMissingSchemaConfig(error)).toBe(false);
  });
});

describe('the client over fixtures: webhook administration', () => {
  it('creates (200), lists, tests and deletes (200 with {code, message}) a webhook', async () => {
    // Prepare
    const sent: SentRequest[] = [];
    const client = fixtureClient(
      {
        'POST /v1/webhooks/account': { status: 200, fixture: 'webhook-created.json' },
        'GET /v1/webhooks': { fixture: 'webhooks-page.json' },
        'POST /v1/webhooks/hook_glade/test': { fixture: 'webhook-test-result.json' },
        'DELETE /v1/webhooks/hook_glade': { fixture: 'webhook-deleted.json' },
      },
      sent,
    );

    // Act
    const created = await client.createAccountWebhook({
      url: 'https://metadata.example.net/webhooks/fivetran',
      events: ['sync_end'],
      secret: 'a-secret-we-keep-ourselves-0123456789',
    });
    const listed = await collectItems(client.webhookPages());
    const tested = await client.testWebhook('hook_glade');
    await client.deleteWebhook('hook_glade');

    // Assess
    expect(created).toMatchObject({ id: 'hook_glade', active: true, secret: '******' });
    expect(listed.map((w) => w.id)).toEqual(['hook_ember', 'hook_fjord']);
    expect(listed[1]?.events).toEqual(['sync_end']);
    expect(listed[1]).not.toHaveProperty('active');
    expect(tested).toEqual({ succeed: false, status: 503, message: 'Endpoint answered 503' });
    expect(sent.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      'POST /v1/webhooks/account',
      'GET /v1/webhooks',
      'POST /v1/webhooks/hook_glade/test',
      'DELETE /v1/webhooks/hook_glade',
    ]);
    expect(sent[0]?.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(sent[2]?.body ?? '{}')).toEqual({ event: 'sync_end' });
  });
});

describe('the client over fixtures: sync history', () => {
  it('reads runs in a 7-day window with Accept version=2, normalising status case', async () => {
    // Prepare
    const sent: SentRequest[] = [];
    const client = fixtureClient(
      { 'GET /v1/connections/velvet_anchor/sync-history': { fixture: 'sync-history-page.json' } },
      sent,
    );
    const window = lastSevenDays(NOW);

    // Act
    const pages = [];
    for await (const page of client.syncHistoryPages('velvet_anchor', window)) pages.push(page);

    // Assess
    const runs = pages.flatMap((p) => p.items);
    expect(runs.map((r) => r.status)).toEqual(['SUCCESSFUL', 'FAILURE_WITH_TASK', null, 'QUEUED_SOMEDAY']);
    expect(runs[1]).toEqual({
      sync_id: '5d1f0e9a-7b2c-4c8d-8e3f-2a9b6c4d1e07',
      status: 'FAILURE_WITH_TASK',
      started_at: '2026-11-03T00:58:00Z',
      ended_at: '2026-11-03T01:02:03.004Z',
      reason: 'password rejected',
    });
    expect(runs[2]?.ended_at).toBeNull();
    expect(pages[0]?.unreadable).toEqual([{ id: null, problem: '(item): no readable id' }]);
    const query = sent[0]?.url.searchParams;
    expect(query?.get('start_time')).toBe('2026-10-27T08:00:00.000Z');
    expect(query?.get('end_time')).toBe('2026-11-03T08:00:00.000Z');
    expect(sent[0]?.headers.Accept).toBe('application/json;version=2');
  });

  it.each([
    ['a shape no run can be read from', 200, 'sync-history-unknown-shape.json'],
    ['a generic 404', 404, 'errors/not-found-generic.json'],
    ['a bodiless 404', 404, undefined],
    ['a 405', 405, undefined],
  ])('reports the endpoint unavailable on %s, so callers degrade quietly', async (_, status, body) => {
    // Prepare
    const client = fixtureClient({
      'GET /v1/connections/velvet_anchor/sync-history': { status, fixture: body },
    });

    // Act
    const error = await collectItems(client.syncHistoryPages('velvet_anchor', lastSevenDays(NOW))).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(EndpointUnavailableError);
    expect((error as Error).message).toContain('sync-history');
  });

  it('reports a deleted connection as gone, not as a missing endpoint', async () => {
    // Prepare
    const client = fixtureClient({
      'GET /v1/connections/gone_glacier/sync-history': {
        status: 404,
        fixture: 'errors/not-found-connector.json',
      },
    });

    // Act
    const error = await collectItems(client.syncHistoryPages('gone_glacier', lastSevenDays(NOW))).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(isConnectionGone(error)).toBe(true);
  });

  it('refuses a window Fivetran would refuse, before sending anything', async () => {
    // Prepare
    const sent: SentRequest[] = [];
    const client = fixtureClient({}, sent);
    const eightDays = { startTime: '2026-10-26T08:00:00Z', endTime: '2026-11-03T08:00:00Z' };

    // Act
    const error = await collectItems(client.syncHistoryPages('velvet_anchor', eightDays)).catch(
      (e: unknown) => e,
    );

    // Assess
    expect(error).toBeInstanceOf(RangeError);
    expect(sent).toHaveLength(0);
  });

  it('reports transformations unavailable on a 404', async () => {
    // Prepare
    const client = fixtureClient({
      'GET /v1/transformations': { status: 404, fixture: 'errors/not-found-generic.json' },
    });

    // Act
    const error = await collectItems(client.transformationPages()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(EndpointUnavailableError);
  });
});
