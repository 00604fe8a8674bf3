import { schemaConfigSchema } from '#commons/fivetran/schemas';
import type { DestinationInfo } from '#commons/lineage/dataset-naming';
import type { SyncLineageContext, SyncTransition } from '#commons/lineage/run-events';
import { deriveDestinationTables } from '#commons/tables/destination-tables';
import {
  postgresConfig,
  postgresConnection,
  stripeConfig,
  stripeConnection,
} from '../tables/table-fixtures.ts';

/** Destinations as `GET /v1/destinations/{id}` describes them: config values of our own invention. */
export const DESTINATIONS: Record<string, DestinationInfo> = {
  snowflake: {
    id: 'lunar_harbor',
    service: 'snowflake',
    config: { host: 'ACME-Analytics.snowflakecomputing.com', port: 443, database: 'RAW', user: 'FIVETRAN' },
  },
  big_query: {
    id: 'lunar_harbor',
    service: 'big_query',
    config: { project_id: 'acme-data-42', data_set_location: 'EU' },
  },
  redshift: {
    id: 'lunar_harbor',
    service: 'redshift',
    config: { host: 'analytics.c0ffee1234.eu-west-1.redshift.amazonaws.com', port: '5439', database: 'dev' },
  },
  databricks: {
    id: 'lunar_harbor',
    service: 'databricks',
    config: {
      server_host_name: 'dbc-1a2b3c4d-5e6f.cloud.databricks.com',
      catalog: 'fivetran',
      http_path: '/sql/1.0/x',
    },
  },
  postgres_warehouse: {
    id: 'lunar_harbor',
    service: 'postgres_warehouse',
    config: { host: 'warehouse.internal.example', port: 5433, database: 'analytics' },
  },
};

export const postgresTables = () =>
  deriveDestinationTables(postgresConnection, schemaConfigSchema.parse(postgresConfig())).tables;

export const stripeTables = () =>
  deriveDestinationTables(stripeConnection, schemaConfigSchema.parse(stripeConfig())).tables;

/** A Postgres source (inputs nameable) syncing into `destination`. */
export function postgresContext(destination: DestinationInfo | null): SyncLineageContext {
  return {
    accountId: 'acct_cobalt',
    namespace: null,
    connection: {
      ...postgresConnection,
      config: { host: 'db.shop.example', port: 5432, database: 'shop', user: 'fivetran', password: '******' },
    },
    destination,
    tables: postgresTables(),
  };
}

export function stripeContext(destination: DestinationInfo | null): SyncLineageContext {
  return {
    accountId: 'acct_cobalt',
    namespace: 'fivetran-prod',
    connection: { ...stripeConnection, config: null },
    destination,
    tables: stripeTables(),
  };
}

export const START: SyncTransition = {
  kind: 'start',
  sync_id: 'b1c2d3e4-0000-4000-8000-00000000aaaa',
  at: '2026-05-01T10:00:00.000Z',
};

export const SUCCEEDED: Extract<SyncTransition, { kind: 'end' }> = {
  kind: 'end',
  sync_id: 'b1c2d3e4-0000-4000-8000-00000000aaaa',
  at: '2026-05-01T10:07:30.000Z',
  status: 'SUCCESSFUL',
  reason: null,
  task_type: null,
};

export const FAILED: Extract<SyncTransition, { kind: 'end' }> = {
  kind: 'end',
  sync_id: 'b1c2d3e4-0000-4000-8000-00000000aaaa',
  at: '2026-05-01T10:03:00.000Z',
  status: 'FAILURE_WITH_TASK',
  reason: 'permission denied for table orders',
  task_type: 'reconnect',
};
