import type { SchemaConfig } from '#commons/fivetran/schemas';
import type { TableSourceConnection } from '#commons/tables/destination-tables';

/** A Postgres connection (a database connector: its `schema` is a destination prefix). */
export const postgresConnection: TableSourceConnection = {
  id: 'halting_precinct',
  schema: 'shop_pg',
  service: 'postgres_rds',
  group_id: 'lunar_harbor',
};

/** Two source schemas, names in destination as Fivetran reports them, one schema disabled. */
export function postgresConfig(): SchemaConfig {
  return {
    enable_new_by_default: true,
    schema_change_handling: 'ALLOW_ALL',
    schemas: {
      public: {
        name_in_destination: 'shop_pg_public',
        enabled: true,
        tables: {
          orders: {
            name_in_destination: 'orders',
            enabled: true,
            sync_mode: 'SOFT_DELETE',
            columns: {
              id: { name_in_destination: 'id', enabled: true, hashed: false, is_primary_key: true },
              email: { name_in_destination: 'email', enabled: true, hashed: true, is_primary_key: false },
              Notes: { name_in_destination: 'notes', enabled: false, hashed: false, is_primary_key: false },
            },
          },
          audit_log: { name_in_destination: 'audit_log', enabled: false, sync_mode: 'LIVE' },
        },
      },
      staging: {
        name_in_destination: 'shop_pg_staging',
        enabled: false,
        tables: { imports: { name_in_destination: 'imports', enabled: true, sync_mode: 'HISTORY' } },
      },
    },
  };
}

/** A Stripe connection (single-schema SaaS: the destination schema is the connection's schema). */
export const stripeConnection: TableSourceConnection = {
  id: 'wobbly_lantern',
  schema: 'stripe',
  service: 'stripe',
  group_id: 'lunar_harbor',
};

export function stripeConfig(): SchemaConfig {
  return {
    schema_change_handling: 'ALLOW_COLUMNS',
    schemas: {
      stripe: {
        name_in_destination: 'stripe',
        enabled: true,
        tables: {
          charge: { name_in_destination: 'charge', enabled: true, sync_mode: 'SOFT_DELETE' },
          balance_transaction: { name_in_destination: 'balance_transaction', enabled: true },
        },
      },
    },
  };
}
