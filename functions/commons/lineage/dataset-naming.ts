import { clipId, type TableName } from '../tables/table-item.ts';

/**
 * Dataset names by OpenLineage's naming conventions (website/docs/spec/naming.md of OpenLineage/OpenLineage,
 * read 2026-08; `spec/Naming.md` now points there), so a catalog joins our outputs to the datasets other
 * producers (dbt, Airflow, Spark) name:
 *
 * | platform   | namespace                                        | name                          |
 * |------------|--------------------------------------------------|-------------------------------|
 * | Snowflake  | `snowflake://{org}-{account}` or `snowflake://{locator}.{region}.{cloud}` | `{database}.{schema}.{table}` |
 * | BigQuery   | `bigquery`                                       | `{project id}.{dataset}.{table}` |
 * | Redshift   | `redshift://{cluster_identifier}.{region}:{port}` | `{database}.{schema}.{table}` |
 * | Postgres   | `postgres://{host}:{port}`                       | `{database}.{schema}.{table}` |
 * | MSSQL      | `mssql://{host}:{port}`                          | `{database}.{schema}.{table}` |
 * | Synapse    | `sqlserver://{host}:{port}`                      | `{schema}.{table}`            |
 * | MySQL      | `mysql://{host}:{port}`                          | `{database}.{table}` (a MySQL schema is a database) |
 * | Oracle     | `oracle://{host}:{port}`                         | `{service name}.{schema}.{table}` |
 *
 * The table has no Databricks row: we follow OpenLineage's dbt integration (`databricks://{host}`, name
 * `{catalog}.{schema}.{table}`), the producer that reads Fivetran's tables next, and add the Unity Catalog
 * row (`unitycatalog://{host}`) as a symlink. Redshift gets the dbt integration's `redshift://{host}:{port}`
 * as a symlink for the same reason. A Snowflake account locator without region/cloud is completed the way
 * OpenLineage's own integrations do (`.us-west-1.aws`; `.aws` when only a region is given).
 *
 * Names are kept as Fivetran reports them (no case folding): Fivetran's names are lower case, and dbt
 * sources declared over Fivetran tables usually are too.
 */

/**
 * The connection and destination `config` fields naming reads: none is a secret, so the store's allow-list
 * of config fields can take them as they are.
 */
export const LINEAGE_CONFIG_FIELDS = [
  'host',
  'port',
  'database',
  'project_id',
  'catalog',
  'server_host_name',
] as const;

export interface DatasetId {
  readonly namespace: string;
  readonly name: string;
  /** Other identifiers of the same table (OpenLineage's symlinks facet). */
  readonly aliases?: readonly { readonly namespace: string; readonly name: string }[];
}

/** A Fivetran destination as the API describes it (`GET /v1/destinations/{id}`); config where known. */
export interface DestinationInfo {
  readonly id: string;
  readonly service: string;
  readonly config: Readonly<Record<string, unknown>> | null;
}

export type TableNamer = (table: TableName) => DatasetId;

const textOf = (config: Readonly<Record<string, unknown>> | null, key: string): string | null => {
  const value = config?.[key];
  return typeof value === 'string' && value.trim() !== '' ? clipId(value.trim()) : null;
};

/** The longest host name DNS allows: anything longer is not a host we can name a dataset by. */
const MAX_HOST_LENGTH = 253;

function portOf(config: Readonly<Record<string, unknown>> | null, fallback: number): number {
  const raw = config?.port;
  const port = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : Number.NaN;
  return Number.isInteger(port) && port > 0 && port < 65_536 ? port : fallback;
}

/** Host names are case-insensitive: lower case, no trailing dot, no scheme or path pasted in. */
function hostOf(config: Readonly<Record<string, unknown>> | null, key = 'host'): string | null {
  const raw = textOf(config, key);
  if (raw === null) return null;
  const bare = raw.replace(/^[a-z]+:\/\//i, '').replace(/[/?#].*$/, '');
  const host = bare.toLowerCase().replace(/\.$/, '');
  return host.length <= MAX_HOST_LENGTH && /^[a-z0-9.\-_[\]:]+$/.test(host) ? host : null;
}

/** The Snowflake account part of a `*.snowflakecomputing.com` host, normalised as OpenLineage names it. */
export function snowflakeAccount(host: string): string {
  const account = host.replace(/\.snowflakecomputing\.(com|cn)$/, '').replace(/\.privatelink$/, '');
  const parts = account.split('.');
  const [first = account] = parts;
  if (first.includes('-')) return first; // organization-account: never carries region or cloud
  if (parts.length === 1) return `${first}.us-west-1.aws`;
  if (parts.length === 2) return `${first}.${parts[1]}.aws`;
  return account;
}

/** `{cluster}.{region}` from a provisioned or serverless endpoint; null for any other host. */
export function redshiftClusterRegion(host: string): string | null {
  const provisioned = /^([^.]+)\.[^.]+\.([a-z0-9-]+)\.redshift\.amazonaws\.com(\.cn)?$/.exec(host);
  if (provisioned) return `${provisioned[1]}.${provisioned[2]}`;
  const serverless = /^([^.]+)\.[^.]+\.([a-z0-9-]+)\.redshift-serverless\.amazonaws\.com(\.cn)?$/.exec(host);
  if (serverless) return `${serverless[1]}.${serverless[2]}`;
  return null;
}

const three = (first: string, table: TableName) => `${first}.${table.schema}.${table.table}`;

const POSTGRES_DESTINATIONS = new Set([
  'postgres_warehouse',
  'postgres_rds_warehouse',
  'aurora_postgres_warehouse',
  'azure_postgres_warehouse',
  'postgres_gcp_warehouse',
]);
const MSSQL_DESTINATIONS = new Set([
  'sql_server_warehouse',
  'sql_server_rds_warehouse',
  'azure_sql_database',
  'azure_sql_managed_db_warehouse',
]);
const MYSQL_DESTINATIONS = new Set([
  'mysql_warehouse',
  'mysql_rds_warehouse',
  'maria_warehouse',
  'maria_rds_warehouse',
  'aurora_warehouse',
]);

/** How the destination's tables are named, or null when the platform or its config is not known enough. */
export function destinationNamer(destination: DestinationInfo | null): TableNamer | null {
  if (!destination) return null;
  const { service, config } = destination;
  const database = textOf(config, 'database');
  if (service === 'snowflake') {
    const host = hostOf(config);
    if (!host || !database) return null;
    const namespace = `snowflake://${host.endsWith('.snowflakecomputing.com') ? snowflakeAccount(host) : host}`;
    return (table) => ({ namespace, name: three(database, table) });
  }
  if (service === 'big_query' || service === 'managed_big_query') {
    const project = textOf(config, 'project_id');
    if (!project) return null;
    return (table) => ({ namespace: 'bigquery', name: three(project, table) });
  }
  if (service === 'redshift') {
    const host = hostOf(config);
    if (!host || !database) return null;
    const port = portOf(config, 5439);
    const cluster = redshiftClusterRegion(host);
    const byHost = `redshift://${host}:${port}`;
    if (!cluster) return (table) => ({ namespace: byHost, name: three(database, table) });
    const namespace = `redshift://${cluster}:${port}`;
    return (table) => ({
      namespace,
      name: three(database, table),
      aliases: [{ namespace: byHost, name: three(database, table) }],
    });
  }
  if (service === 'databricks') {
    const host = hostOf(config, 'server_host_name');
    if (!host) return null;
    const catalog = textOf(config, 'catalog');
    // Without a Unity Catalog, Databricks keeps tables in its legacy `hive_metastore` catalog.
    const name = (table: TableName) => three(catalog ?? 'hive_metastore', table);
    return (table) => ({
      namespace: `databricks://${host}`,
      name: name(table),
      ...(catalog ? { aliases: [{ namespace: `unitycatalog://${host}`, name: name(table) }] } : {}),
    });
  }
  const host = hostOf(config);
  if (!host) return null;
  if (POSTGRES_DESTINATIONS.has(service) && database) {
    const namespace = `postgres://${host}:${portOf(config, 5432)}`;
    return (table) => ({ namespace, name: three(database, table) });
  }
  if (MSSQL_DESTINATIONS.has(service) && database) {
    const namespace = `mssql://${host}:${portOf(config, 1433)}`;
    return (table) => ({ namespace, name: three(database, table) });
  }
  if (service === 'azure_sql_data_warehouse') {
    const namespace = `sqlserver://${host}:${portOf(config, 1433)}`;
    return (table) => ({ namespace, name: `${table.schema}.${table.table}` });
  }
  if (MYSQL_DESTINATIONS.has(service)) {
    const namespace = `mysql://${host}:${portOf(config, 3306)}`;
    return (table) => ({ namespace, name: `${table.schema}.${table.table}` });
  }
  return null;
}

/**
 * Tables of a destination we cannot name by convention still get a stable identity, under the account
 * (never under a platform scheme we would be guessing): `fivetran://{account}/{destination id}`.
 */
export function fallbackNamer(accountId: string, destinationId: string | null): TableNamer {
  const namespace = `fivetran://${clipId(accountId)}/${clipId(destinationId ?? 'unknown-destination')}`;
  return (table) => ({ namespace, name: `${table.schema}.${table.table}` });
}

const SOURCE_FAMILIES: readonly { pattern: RegExp; scheme: string; port: number; withDatabase: boolean }[] = [
  {
    pattern:
      /^(postgres|postgres_rds|aurora_postgres|azure_postgres|google_cloud_postgresql|heroku_postgres)$/,
    scheme: 'postgres',
    port: 5432,
    withDatabase: true,
  },
  {
    pattern:
      /^(mysql|mysql_rds|mysql_azure|google_cloud_mysql|aurora|maria|maria_rds|maria_azure|magento_mysql|magento_mysql_rds)$/,
    scheme: 'mysql',
    port: 3306,
    withDatabase: false,
  },
  {
    pattern: /^(sql_server|sql_server_rds|azure_sql_db|azure_sql_managed_db)$/,
    scheme: 'mssql',
    port: 1433,
    withDatabase: true,
  },
  {
    pattern: /^(oracle|oracle_rds|oracle_rac|oracle_hva)$/,
    scheme: 'oracle',
    port: 1521,
    withDatabase: true,
  },
];

/**
 * How a database connection's source tables are named (from its `config`: host, port, database), or null:
 * SaaS sources have no OpenLineage convention, so their tables are not named as inputs.
 */
export function sourceNamer(
  service: string | null,
  config: Readonly<Record<string, unknown>> | null,
): TableNamer | null {
  if (!service) return null;
  const family = SOURCE_FAMILIES.find((candidate) => candidate.pattern.test(service));
  const host = hostOf(config);
  if (!family || !host) return null;
  const namespace = `${family.scheme}://${host}:${portOf(config, family.port)}`;
  if (!family.withDatabase) return (table) => ({ namespace, name: `${table.schema}.${table.table}` });
  const database = textOf(config, 'database');
  if (!database) return null;
  return (table) => ({ namespace, name: three(database, table) });
}
