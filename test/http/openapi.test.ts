import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeParse } from 'zod/v4/core';
import { schemaConfigSchema } from '#commons/fivetran/schemas';
import { openApiDocument } from '#commons/http/openapi';
import { ROUTE_SPECS, type RouteSpec, routeKey } from '#commons/http/route-specs';
import { transformationFromApi } from '#commons/lineage/transformation-record';
import { deriveDestinationTables } from '#commons/tables/destination-tables';
import { signBody } from '#commons/webhook/signature';
import { creationProbe, dbtRunFailed, syncEndFailureWithTask } from '../fixtures/webhook-payloads.ts';
import {
  connection,
  putGroup,
  putSweep,
  type ReadFixture,
  SECRET,
  saveConnections,
  startReadFixture,
  sweepRecord,
} from '../support/http-fixture.ts';
import { stripeConfig } from '../tables/table-fixtures.ts';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, { content: Record<string, { schema: Record<string, unknown> }> }> }
    >
  >;
  components: { schemas: Record<string, unknown> };
};

interface Exchange {
  readonly spec: RouteSpec;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

function specFor(method: string, path: string): RouteSpec {
  const spec = ROUTE_SPECS.find(
    (s) => s.method === method && new RegExp(`^${s.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  if (!spec) throw new Error(`no spec for ${method} ${path}`);
  return spec;
}

describe('OpenAPI document', () => {
  const doc = openApiDocument() as unknown as Doc;

  it('is OpenAPI 3.1 and lists every route of the router, each with its responses', () => {
    // Assess
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTE_SPECS.map(routeKey).sort());
    expect(documented).toEqual(
      expect.arrayContaining([
        'POST /webhooks/fivetran',
        'GET /api/connections',
        'GET /api/connections/{id}',
        'GET /api/connections/{id}/events',
        'GET /api/connections/{id}/syncs',
        'GET /api/events',
        'GET /api/groups',
        'GET /api/summary',
        'GET /api/sweeps',
        'POST /api/sweeps',
        'GET /api/tables',
        'GET /api/connections/{id}/schema-changes',
        'GET /api/transformations',
        'GET /api/openapi.json',
        'GET /healthz',
        'GET /',
      ]),
    );
  });

  it('refers only to schemas it defines', () => {
    // Act
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map(([, ref]) => ref as string);

    // Assess
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas).toHaveProperty(ref.replace('#/components/schemas/', ''));
    }
  });
});

describe('Real responses from every route match the document', () => {
  let fx: ReadFixture;
  const exchanges: Exchange[] = [];
  const now = Date.parse('2026-06-02T12:00:00.000Z');
  let busy = false;

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${fx.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    exchanges.push({
      spec: specFor(method, path.split('?')[0] as string),
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: text,
    });
    return response.status;
  }
  const deliver = (body: string, secret = SECRET) =>
    call('POST', '/webhooks/fivetran', body, { 'X-Fivetran-Signature-256': signBody(body, secret) });

  beforeAll(async () => {
    fx = await startReadFixture({
      now: () => now,
      sweeps: {
        start: async () => (busy ? { status: 'busy', id: 'sweep_0' } : { status: 'started', id: 'sweep_1' }),
      },
    });
    await saveConnections(fx.writer, [
      connection('healthy_1'),
      connection('failing_1', { health: 'failing', group: 'g2' }),
      connection('paused_1', { health: 'paused' }),
      connection('gone_1', { deleted: true }),
    ]);
    await putGroup(fx.repositories.groups, {
      id: 'group_a',
      destination: {
        id: 'group_a',
        service: 'snowflake',
        region: 'GCP_US_EAST4',
        setup_status: 'CONNECTED',
        time_zone_offset: '0',
      },
    });
    await putGroup(fx.repositories.groups, { id: 'g2' });
    const tables = deriveDestinationTables(
      { id: 'healthy_1', schema: 'stripe', service: 'stripe', group_id: 'group_a' },
      schemaConfigSchema.parse(stripeConfig()),
    );
    await fx.repositories.tables.saveSet(null, tables);
    await fx.repositories.schemaChanges.append({
      connection_id: 'healthy_1',
      sweep_id: 's1',
      seen_at: '2026-06-02T10:00:30.000Z',
      changes: [{ kind: 'table_disabled', schema: 'stripe', table: 'charge', before: true, after: false }],
      changes_omitted: 0,
    });
    await fx.repositories.transformations.update('dbt_nightly', () =>
      transformationFromApi(
        {
          id: 'dbt_nightly',
          status: 'FAILED',
          type: 'DBT_CORE',
          paused: false,
          output_model_names: ['orders'],
        },
        null,
        now,
      ),
    );
    await putSweep(fx.repositories.sweeps, sweepRecord('s1', '2026-06-02T10:00:00.000Z'));
    await putSweep(
      fx.repositories.sweeps,
      sweepRecord('s2', '2026-06-02T11:00:00.000Z', { outcome: 'running', finished_at: null }),
    );

    // The webhook: stored, duplicate, quarantined, probe, unsigned, too large.
    await deliver(syncEndFailureWithTask);
    await deliver(syncEndFailureWithTask);
    await deliver(dbtRunFailed);
    await deliver('[1,2,3]');
    await call('POST', '/webhooks/fivetran', creationProbe);
    await call('POST', '/webhooks/fivetran', syncEndFailureWithTask);
    await call('POST', '/webhooks/fivetran', 'x'.repeat(300 * 1024));
    await deliver(
      JSON.stringify({
        event: 'sync_end',
        created: '2026-06-02T11:30:00.000Z',
        connector_id: 'healthy_1',
        sync_id: 'q',
        data: { status: 'FAILURE' },
      }),
    );

    for (const path of [
      '/api/connections',
      '/api/connections?health=failing&group_id=g2',
      '/api/connections?deleted=any&limit=1',
      '/api/connections?health=nope',
      '/api/connections?cursor=bad',
      '/api/connections/healthy_1',
      '/api/connections/empty_bount',
      '/api/connections/missing',
      '/api/connections/empty_bount/events',
      '/api/connections/empty_bount/events?limit=0',
      '/api/connections/missing/events',
      '/api/connections/healthy_1/syncs',
      '/api/connections/healthy_1/syncs?status=failure,Successful&limit=1',
      '/api/connections/healthy_1/syncs?status=not-a-word',
      '/api/connections/missing/syncs',
      '/api/events',
      '/api/events?event=dbt_run_failed',
      '/api/events?unknown=1',
      '/api/groups',
      '/api/groups?limit=1',
      '/api/groups?cursor=x',
      '/api/summary',
      '/api/sweeps',
      '/api/sweeps?limit=abc',
      '/api/tables',
      '/api/tables?schema=STRIPE&table=charge',
      '/api/tables?connection_id=healthy_1&limit=1',
      '/api/tables?table=',
      '/api/connections/healthy_1/schema-changes',
      '/api/connections/missing/schema-changes',
      '/api/transformations',
      '/api/transformations?health=failing',
      '/api/transformations?health=nope',
      '/api',
      '/api/openapi.json',
      '/healthz',
      '/',
    ]) {
      await call('GET', path);
    }
    await call('POST', '/api/sweeps');
    busy = true;
    await call('POST', '/api/sweeps');
    await fx.repositories.sweepLease.acquire({ sweepId: 's2', nowMs: now, durationMs: 60_000 });
    await call('GET', '/api/summary');
  });
  afterAll(async () => {
    await fx.close();
  });

  it('exercised every route', () => {
    // Assess
    expect(new Set(exchanges.map((e) => routeKey(e.spec)))).toEqual(new Set(ROUTE_SPECS.map(routeKey)));
  });

  it('answered only documented statuses, each body valid against its schema', () => {
    // Assess
    for (const exchange of exchanges) {
      const where = `${routeKey(exchange.spec)} → ${exchange.status}`;
      const documented = exchange.spec.responses[exchange.status];
      expect(documented, `${where} is not documented`).toBeDefined();
      if (!documented) continue;
      expect(exchange.contentType.startsWith(documented.contentType ?? 'application/json'), where).toBe(true);
      if (documented.schema) {
        const parsed = safeParse(documented.schema, JSON.parse(exchange.body));
        expect(parsed.success, `${where}: ${parsed.error?.message} in ${exchange.body.slice(0, 300)}`).toBe(
          true,
        );
      }
    }
    // Errors and successes both occurred, so both kinds of schema were checked.
    const statuses = new Set(exchanges.map((e) => e.status));
    for (const status of [200, 202, 400, 401, 404, 409, 413]) expect(statuses).toContain(status);
  });

  it('catches a response that drifts from its schema', () => {
    // Prepare
    const list = exchanges.find((e) => routeKey(e.spec) === 'GET /api/connections' && e.status === 200);
    const body = JSON.parse(String(list?.body)) as { items: Record<string, unknown>[] };
    body.items[0] = { ...body.items[0], unexpected: true };

    // Act
    const schema = list?.spec.responses[200]?.schema;
    const parsed = schema ? safeParse(schema, body) : undefined;

    // Assess
    expect(parsed?.success).toBe(false);
  });
});
