/**
 * Where Fivetran writes a source table, when the schema configuration does not say.
 *
 * What Fivetran documents (read 2026, sources below):
 * - The schema configuration (`GET /v1/connections/{id}/schemas`) carries `name_in_destination` for every
 *   schema, table and column: that is the authority, and Fivetran's own support answers point there to map a
 *   destination table back to its source object.
 *   (fivetran.com/docs/rest-api/tutorials/retrieving-schema-table-column-names;
 *   fivetran.com/docs/connectors/applications/salesforce/troubleshooting/map-source-destination-names)
 * - Database connectors replicate several source schemas; the connection's `schema` is a destination schema
 *   *prefix* and each source schema lands in `<prefix>_<source schema>` (Fivetran's example: prefix
 *   `azure_sql_db`, schemas `schema1`, `schema2` → `azure_sql_db_schema1`, `azure_sql_db_schema2`).
 *   (beta.fivetran.com/docs/core-concepts/no-renaming, "Destination schema vs destination schema prefix")
 * - Every other (SaaS) connector replicates one schema, named by the connection's `schema` itself; webhooks
 *   and file connectors also let the user name the table, which is why a connection's schema can read
 *   `gsheets.table` (OpenAPI `ConnectorResponse.schema`: "used both as the connection's name … and as the
 *   source schema's name within your destination", example `gsheets.table`).
 * - Under "Fivetran naming" names are normalised (lower case, underscores); under "Source naming"
 *   (`destination_schema_names: SOURCE_NAMING`) they are kept. We never re-implement the normalisation:
 *   the fallback below is used only when `name_in_destination` is missing, and says so (`derived`).
 */

/**
 * Service ids of Fivetran's database connectors (prefix match: `postgres` covers `postgres_rds`, …). Used
 * only for the fallback, so an unknown database connector costs a guessed schema name, never a wrong table.
 */
const DATABASE_SERVICE_PREFIXES = [
  'postgres',
  'aurora',
  'azure_postgres',
  'google_cloud_postgresql',
  'heroku_postgres',
  'mysql',
  'google_cloud_mysql',
  'magento_mysql',
  'maria',
  'sql_server',
  'azure_sql',
  'oracle',
  'db2',
  'mongo',
  'documentdb',
  'docdb',
  'azure_cosmos',
  'cosmos',
  'dynamodb',
  'snowflake_db',
  'redshift',
  'big_query',
  'sap_hana',
  'hana',
  'cockroach',
  'planetscale',
  'singlestore',
  'teradata',
  'spanner',
  'cassandra',
  'elastic',
  'opensearch',
] as const;

/** Oracle's applications share the `oracle_` prefix but are SaaS sources with one schema. */
const SAAS_EXCEPTIONS = [/^oracle_(fusion|business_intelligence|moat|netsuite|ebs)/];

export function isDatabaseService(service: string | null): boolean {
  if (!service) return false;
  if (SAAS_EXCEPTIONS.some((pattern) => pattern.test(service))) return false;
  return DATABASE_SERVICE_PREFIXES.some((prefix) => service === prefix || service.startsWith(`${prefix}_`));
}

export interface NamingContext {
  /** The connection's `schema` (its name, and the destination schema or prefix). */
  readonly connectionSchema: string;
  readonly service: string | null;
  /** How many source schemas the configuration lists: more than one means a database connector too. */
  readonly sourceSchemaCount: number;
}

/** `gsheets.table` → `{ schema: 'gsheets', table: 'table' }`; a plain name has no table part. */
function splitConnectionSchema(connectionSchema: string): { schema: string; table: string | null } {
  const dot = connectionSchema.indexOf('.');
  if (dot <= 0 || dot === connectionSchema.length - 1) return { schema: connectionSchema, table: null };
  return { schema: connectionSchema.slice(0, dot), table: connectionSchema.slice(dot + 1) };
}

export function isMultiSchema(context: NamingContext): boolean {
  return context.sourceSchemaCount > 1 || isDatabaseService(context.service);
}

/** The destination schema when `name_in_destination` is missing. */
export function fallbackDestinationSchema(context: NamingContext, sourceSchema: string): string {
  if (isMultiSchema(context)) return `${context.connectionSchema}_${sourceSchema}`;
  return splitConnectionSchema(context.connectionSchema).schema;
}

/** The destination table when `name_in_destination` is missing: the user-chosen one, or the source name. */
export function fallbackDestinationTable(
  context: NamingContext,
  sourceTable: string,
  tableCount: number,
): string {
  if (!isMultiSchema(context) && tableCount === 1) {
    const chosen = splitConnectionSchema(context.connectionSchema).table;
    if (chosen) return chosen;
  }
  return sourceTable;
}
