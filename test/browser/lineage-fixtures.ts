/**
 * Destination tables, schema change records and transformations in the shapes the API answers them
 * (`tableViewSchema`, `schemaChangeRecordSchema`, `transformationViewSchema`), in our own values.
 */
import type { Json } from './fixtures.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Destination tables as `GET /api/tables` answers them (`tableViewSchema`), for every connection listed. */
export function allTables(now: number): Json[] {
  const table = (
    connection: string,
    service: string,
    health: string,
    schema: string,
    name: string,
    fields: Json = {},
  ): Json => ({
    connection_id: connection,
    group_id: 'north_star',
    service,
    // A SaaS connection's one source schema carries the connection's name, as Fivetran lists it.
    source: { schema: service === 'salesforce' ? 'salesforce' : schema, table: name },
    destination: { schema, table: name },
    enabled: true,
    sync_mode: 'SOFT_DELETE',
    columns: null,
    columns_total: 0,
    columns_omitted: 0,
    last_success_at: new Date(now - 130 * MIN).toISOString(),
    health,
    ...fields,
  });
  return [
    table('sf_prod', 'salesforce', 'failing', 'salesforce_prod', 'account', {
      columns: [
        { name: 'Id', destination_name: 'id', enabled: true, hashed: false, is_primary_key: true },
        { name: 'Email', destination_name: 'email', enabled: true, hashed: true, is_primary_key: false },
      ],
      columns_total: 9,
      columns_omitted: 7,
    }),
    table('sf_prod', 'salesforce', 'failing', 'salesforce_prod', 'opportunity', { sync_mode: 'HISTORY' }),
    // Two connections feed a table named `charge`: the question the Tables tab answers.
    table('stripe_live', 'stripe', 'healthy', 'stripe', 'charge', {
      last_success_at: new Date(now - 12 * MIN).toISOString(),
    }),
    table('stripe_eu', 'stripe', 'paused', 'stripe_eu', 'charge', {
      group_id: 'quiet_lake',
      last_success_at: new Date(now - 4100 * MIN).toISOString(),
      enabled: false,
    }),
  ];
}

export function tablesOf(id: string, now: number): Json[] {
  return allTables(now).filter((t) => t.connection_id === id);
}

/** `GET /api/tables` filters: names matched case-insensitively against destination or source. */
export function tablesMatching(query: URLSearchParams, now: number): Json[] {
  const same = (a: unknown, b: string | null) => b === null || String(a).toLowerCase() === b.toLowerCase();
  return allTables(now).filter((t) => {
    const source = t.source as { schema: string; table: string };
    const destination = t.destination as { schema: string; table: string };
    const connection = query.get('connection_id');
    return (
      (connection === null || t.connection_id === connection) &&
      (same(destination.schema, query.get('schema')) || same(source.schema, query.get('schema'))) &&
      (same(destination.table, query.get('table')) || same(source.table, query.get('table')))
    );
  });
}

/** Schema change records as `GET /api/connections/{id}/schema-changes` answers them, newest first. */
export function schemaChangesOf(id: string, now: number): Json[] {
  if (id !== 'sf_prod') return [];
  return [
    {
      connection_id: id,
      sweep_id: 'sweep_20260601T100000Z_a',
      seen_at: new Date(now - 2 * HOUR).toISOString(),
      changes: [{ kind: 'table_appeared', schema: 'salesforce', table: 'campaign', after: true }],
      changes_omitted: 0,
    },
    {
      connection_id: id,
      sweep_id: 'sweep_20260531T080000Z_b',
      seen_at: new Date(now - 26 * HOUR).toISOString(),
      changes: [
        { kind: 'table_disabled', schema: 'salesforce', table: 'lead', before: true, after: false },
        {
          kind: 'column_hashing_changed',
          schema: 'salesforce',
          table: 'account',
          column: 'Email',
          before: false,
          after: true,
        },
      ],
      changes_omitted: 3,
    },
  ];
}

/** Transformations as `GET /api/transformations` answers them. */
export function transformations(now: number): Json[] {
  return [
    {
      id: 'dbt_sales',
      name: 'sales_models',
      type: 'DBT_CORE',
      status: 'FAILED',
      paused: false,
      last_started_at: new Date(now - 90 * MIN).toISOString(),
      last_ended_at: new Date(now - 88 * MIN).toISOString(),
      connection_ids: ['sf_prod'],
      output_model_names: ['opportunities_daily', 'pipeline'],
      output_models_omitted: 0,
      last_failure_reason: 'Compilation Error in model pipeline',
      as_of: now - 88 * MIN,
      health: 'failing',
      health_reason: {
        code: 'transformation_failed',
        message: 'Compilation Error in model pipeline',
        since: new Date(now - 88 * MIN).toISOString(),
      },
    },
  ];
}
