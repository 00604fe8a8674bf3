import { describe, expect, it } from 'vitest';
import { schemaConfigSchema } from '#commons/fivetran/schemas';
import { buildSyncRunEvent, MAX_EVENT_BYTES, syncTransitionOf } from '#commons/lineage/run-events';
import { syncRunId, uuidV5 } from '#commons/lineage/run-id';
import { deriveDestinationTables } from '#commons/tables/destination-tables';
import { normaliseEvent } from '#commons/webhook/parse-event';
import { postgresConnection } from '../tables/table-fixtures.ts';
import {
  DESTINATIONS,
  FAILED,
  postgresContext,
  START,
  SUCCEEDED,
  stripeContext,
} from './lineage-fixtures.ts';
import { openLineageErrors } from './openlineage-validator.ts';

describe('OpenLineage run events for a sync', () => {
  it.each(Object.keys(DESTINATIONS))('validates START, COMPLETE and FAIL into %s', (service) => {
    // Prepare
    const context = postgresContext(DESTINATIONS[service] ?? null);

    // Act
    const events = [START, SUCCEEDED, FAILED].map(
      (transition) => buildSyncRunEvent(context, transition).event,
    );

    // Assess
    for (const event of events) expect(openLineageErrors(event)).toEqual([]);
    expect(events.map((event) => event.eventType)).toEqual(['START', 'COMPLETE', 'FAIL']);
  });

  it('names outputs by each platform’s convention', () => {
    // Act
    const outputOf = (service: string) =>
      buildSyncRunEvent(postgresContext(DESTINATIONS[service] ?? null), SUCCEEDED).event.outputs[0];

    // Assess: the first enabled table is public.orders → shop_pg_public.orders.
    expect(outputOf('snowflake')).toMatchObject({
      namespace: 'snowflake://acme-analytics',
      name: 'RAW.shop_pg_public.orders',
    });
    expect(outputOf('big_query')).toMatchObject({
      namespace: 'bigquery',
      name: 'acme-data-42.shop_pg_public.orders',
    });
    expect(outputOf('redshift')).toMatchObject({
      namespace: 'redshift://analytics.eu-west-1:5439',
      name: 'dev.shop_pg_public.orders',
    });
    expect(outputOf('databricks')).toMatchObject({
      namespace: 'databricks://dbc-1a2b3c4d-5e6f.cloud.databricks.com',
      name: 'fivetran.shop_pg_public.orders',
    });
    expect(outputOf('postgres_warehouse')).toMatchObject({
      namespace: 'postgres://warehouse.internal.example:5433',
      name: 'analytics.shop_pg_public.orders',
    });
    expect(outputOf('redshift')?.facets?.symlinks).toMatchObject({
      identifiers: [
        {
          namespace: 'redshift://analytics.c0ffee1234.eu-west-1.redshift.amazonaws.com:5439',
          name: 'dev.shop_pg_public.orders',
        },
      ],
    });
  });

  it('outputs only replicated tables, with the schema facet and column lineage from the database source', () => {
    // Act
    const { event } = buildSyncRunEvent(postgresContext(DESTINATIONS.snowflake ?? null), SUCCEEDED);

    // Assess: audit_log and staging.imports are not replicated.
    expect(event.outputs.map((o) => o.name)).toEqual(['RAW.shop_pg_public.orders']);
    expect(event.inputs).toEqual([
      { namespace: 'postgres://db.shop.example:5432', name: 'shop.public.orders' },
    ]);
    const facets = event.outputs[0]?.facets ?? {};
    expect(facets.schema?.fields).toEqual([{ name: 'email' }, { name: 'id' }]);
    expect(facets.columnLineage?.fields).toEqual({
      email: {
        inputFields: [
          {
            namespace: 'postgres://db.shop.example:5432',
            name: 'shop.public.orders',
            field: 'email',
            transformations: [
              { type: 'DIRECT', subtype: 'TRANSFORMATION', description: 'hashed by Fivetran', masking: true },
            ],
          },
        ],
      },
      id: {
        inputFields: [
          {
            namespace: 'postgres://db.shop.example:5432',
            name: 'shop.public.orders',
            field: 'id',
            transformations: [{ type: 'DIRECT', subtype: 'IDENTITY', masking: false }],
          },
        ],
      },
    });
  });

  it('names the job after the connection schema in the configured or default namespace; SaaS has no inputs', () => {
    // Act
    const saas = buildSyncRunEvent(stripeContext(DESTINATIONS.big_query ?? null), START).event;
    const db = buildSyncRunEvent(postgresContext(null), START).event;

    // Assess
    expect(saas.job).toMatchObject({ namespace: 'fivetran-prod', name: 'stripe' });
    expect(saas.inputs).toEqual([]);
    expect(saas.outputs.map((o) => o.name)).toEqual([
      'acme-data-42.stripe.balance_transaction',
      'acme-data-42.stripe.charge',
    ]);
    expect(db.job).toMatchObject({ namespace: 'fivetran://acct_cobalt', name: 'shop_pg' });
    // An unknown destination still gets stable names, under the account.
    expect(db.outputs[0]).toMatchObject({
      namespace: 'fivetran://acct_cobalt/lunar_harbor',
      name: 'shop_pg_public.orders',
    });
    expect(openLineageErrors(db)).toEqual([]);
  });

  it('clips hostile names and ids from Fivetran into a valid event', () => {
    // Prepare
    const context = postgresContext(DESTINATIONS.snowflake ?? null);
    const long = 'q'.repeat(50_000);
    const hostile = {
      ...context,
      accountId: long,
      connection: { ...context.connection, id: long, schema: long },
    };

    // Act
    const { event } = buildSyncRunEvent(hostile, { ...FAILED, reason: long });

    // Assess
    expect(event.job.name).toHaveLength(1_024);
    expect(event.job.namespace.length).toBeLessThanOrEqual(1_024 + 'fivetran://'.length);
    expect(String(event.run.facets?.errorMessage?.message).length).toBeLessThanOrEqual(4_096);
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(MAX_EVENT_BYTES);
    expect(openLineageErrors(event)).toEqual([]);
  });

  it('carries the failure reason in the errorMessage run facet', () => {
    // Act
    const { event } = buildSyncRunEvent(postgresContext(DESTINATIONS.snowflake ?? null), FAILED);

    // Assess
    expect(event.eventType).toBe('FAIL');
    expect(event.run.facets?.errorMessage).toMatchObject({
      message: 'FAILURE_WITH_TASK: permission denied for table orders (task: reconnect)',
      programmingLanguage: 'unknown',
    });
  });

  it('gives a redelivered or re-built event the same run id and outbox id, and each state its own', () => {
    // Act
    const first = buildSyncRunEvent(postgresContext(DESTINATIONS.snowflake ?? null), START);
    const again = buildSyncRunEvent(postgresContext(DESTINATIONS.snowflake ?? null), START);
    const end = buildSyncRunEvent(postgresContext(DESTINATIONS.snowflake ?? null), SUCCEEDED);
    const otherSync = buildSyncRunEvent(postgresContext(null), { ...START, sync_id: 'another' });

    // Assess
    expect(again).toEqual(first);
    expect(end.event.run.runId).toBe(first.event.run.runId);
    expect(end.id).not.toBe(first.id);
    expect(otherSync.event.run.runId).not.toBe(first.event.run.runId);
    expect(first.event.run.runId).toBe(syncRunId(postgresConnection.id, START.sync_id));
    expect(first.event.run.runId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('computes RFC 9562 version-5 UUIDs (the RFC’s DNS example)', () => {
    // Act / Assess: RFC 9562 Appendix A.4, name "www.example.com" in the DNS name space.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('stays under the outbox item bound for a connection with 10,000 wide tables, and says what it left out', () => {
    // Prepare
    const columns = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`column_${i}`, { enabled: true }]),
    );
    const tables = Object.fromEntries(
      Array.from({ length: 10_000 }, (_, i) => [`table_${i}`, { enabled: true, columns }]),
    );
    const set = deriveDestinationTables(
      postgresConnection,
      schemaConfigSchema.parse({ schemas: { public: { enabled: true, tables } } }),
    );
    const context = { ...postgresContext(DESTINATIONS.snowflake ?? null), tables: set.tables };

    // Act
    const built = buildSyncRunEvent(context, SUCCEEDED);

    // Assess
    expect(Buffer.byteLength(JSON.stringify(built.event))).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    expect(built.event.outputs.length + built.omitted.datasets).toBe(10_000);
    expect(built.omitted.column_facets).toBeGreaterThan(0);
    expect(openLineageErrors(built.event)).toEqual([]);
  });

  it('reads the transition from a webhook, trusting its time unless it is far ahead of receipt', () => {
    // Prepare
    const end = normaliseEvent({
      event: 'sync_end',
      created: '2026-05-01T10:07:30.000Z',
      connector_id: 'halting_precinct',
      sync_id: 's-1',
      data: { status: 'FAILURE', reason: 'line one\nline two\u0007' },
    });
    const ahead = normaliseEvent({
      event: 'sync_start',
      created: '2026-05-01T11:00:00.000Z',
      sync_id: 's-1',
    });

    // Act
    const transition = syncTransitionOf(end, '2026-05-01T10:07:31.000Z');
    const clamped = syncTransitionOf(ahead, '2026-05-01T10:00:00.000Z');

    // Assess
    expect(transition).toEqual({
      kind: 'end',
      sync_id: 's-1',
      at: '2026-05-01T10:07:30.000Z',
      status: 'FAILURE',
      reason: 'line one\nline two',
      task_type: null,
    });
    expect(clamped).toEqual({ kind: 'start', sync_id: 's-1', at: '2026-05-01T10:00:00.000Z' });
    expect(syncTransitionOf(normaliseEvent({ event: 'sync_end' }), '2026-05-01T10:00:00.000Z')).toBeNull();
  });

  it('is checked by a validator that does reject a broken event', () => {
    // Prepare: a valid event, then three spec violations.
    const { event } = buildSyncRunEvent(postgresContext(DESTINATIONS.snowflake ?? null), FAILED);
    const broken = structuredClone(event) as unknown as Record<string, Record<string, unknown>>;
    (broken.run as Record<string, unknown>).runId = 'not-a-uuid';
    const facets = (broken.run as { facets: { errorMessage: Record<string, unknown> } }).facets;
    delete facets.errorMessage.programmingLanguage;
    broken.eventTime = 'yesterday' as unknown as Record<string, unknown>;

    // Act
    const errors = openLineageErrors(broken);

    // Assess
    expect(errors.join('\n')).toMatch(/runId/);
    expect(errors.join('\n')).toMatch(/programmingLanguage/);
    expect(errors.join('\n')).toMatch(/eventTime/);
  });
});
