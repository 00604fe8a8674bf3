import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  destinationNamer,
  redshiftClusterRegion,
  snowflakeAccount,
  sourceNamer,
} from '#commons/lineage/dataset-naming';
import { FIXTURE_DIR } from './openlineage-validator.ts';

const table = { schema: 'stripe', table: 'charge' };

describe('dataset naming by platform', () => {
  it('normalises Snowflake account identifiers as OpenLineage does', () => {
    // Act / Assess
    expect(snowflakeAccount('acme-analytics.snowflakecomputing.com')).toBe('acme-analytics');
    expect(snowflakeAccount('acme-analytics.privatelink.snowflakecomputing.com')).toBe('acme-analytics');
    expect(snowflakeAccount('xy12345.snowflakecomputing.com')).toBe('xy12345.us-west-1.aws');
    expect(snowflakeAccount('xy12345.us-east-2.snowflakecomputing.com')).toBe('xy12345.us-east-2.aws');
    expect(snowflakeAccount('xy12345.east-us-2.azure.snowflakecomputing.com')).toBe(
      'xy12345.east-us-2.azure',
    );
  });

  it('reads the Redshift cluster and region from provisioned and serverless endpoints only', () => {
    // Act / Assess
    expect(redshiftClusterRegion('analytics.c0ffee1234.eu-west-1.redshift.amazonaws.com')).toBe(
      'analytics.eu-west-1',
    );
    expect(redshiftClusterRegion('default-wg.123456789012.us-east-1.redshift-serverless.amazonaws.com')).toBe(
      'default-wg.us-east-1',
    );
    expect(redshiftClusterRegion('redshift.internal.example')).toBeNull();
  });

  it('falls back to the host for a Redshift behind its own DNS name', () => {
    // Act
    const name = destinationNamer({
      id: 'd',
      service: 'redshift',
      config: { host: 'RS.Internal.Example', database: 'dev' },
    });

    // Assess
    expect(name?.(table)).toEqual({
      namespace: 'redshift://rs.internal.example:5439',
      name: 'dev.stripe.charge',
    });
  });

  it('names SQL Server, Synapse and MySQL destinations by their rows of the convention', () => {
    // Act
    const mssql = destinationNamer({
      id: 'd',
      service: 'azure_sql_database',
      config: { host: 'x.database.windows.net', database: 'dw' },
    });
    const synapse = destinationNamer({
      id: 'd',
      service: 'azure_sql_data_warehouse',
      config: { host: 's.sql.azuresynapse.net', port: 1433 },
    });
    const mysql = destinationNamer({
      id: 'd',
      service: 'mysql_rds_warehouse',
      config: { host: 'm.rds.amazonaws.com' },
    });

    // Assess
    expect(mssql?.(table)).toEqual({
      namespace: 'mssql://x.database.windows.net:1433',
      name: 'dw.stripe.charge',
    });
    expect(synapse?.(table)).toEqual({
      namespace: 'sqlserver://s.sql.azuresynapse.net:1433',
      name: 'stripe.charge',
    });
    expect(mysql?.(table)).toEqual({ namespace: 'mysql://m.rds.amazonaws.com:3306', name: 'stripe.charge' });
  });

  it('uses the legacy catalog for Databricks without Unity Catalog, and no symlink then', () => {
    // Act
    const name = destinationNamer({
      id: 'd',
      service: 'databricks',
      config: { server_host_name: 'adb-1.azuredatabricks.net' },
    });

    // Assess
    expect(name?.(table)).toEqual({
      namespace: 'databricks://adb-1.azuredatabricks.net',
      name: 'hive_metastore.stripe.charge',
    });
  });

  it('refuses to guess: missing config, hostile hosts, unknown platforms and SaaS sources name nothing', () => {
    // Act / Assess
    expect(
      destinationNamer({ id: 'd', service: 'snowflake', config: { host: 'a.snowflakecomputing.com' } }),
    ).toBeNull();
    expect(destinationNamer({ id: 'd', service: 'big_query', config: null })).toBeNull();
    expect(
      destinationNamer({
        id: 'd',
        service: 'postgres_warehouse',
        config: { host: 'evil host/../x', database: 'd' },
      }),
    ).toBeNull();
    expect(destinationNamer({ id: 'd', service: 'motherduck', config: { host: 'h' } })).toBeNull();
    expect(destinationNamer(null)).toBeNull();
    const longHost = `${'h'.repeat(10_000)}.example`;
    expect(
      destinationNamer({ id: 'd', service: 'postgres_warehouse', config: { host: longHost, database: 'd' } }),
    ).toBeNull();
    expect(sourceNamer('salesforce', { host: 'login.salesforce.com' })).toBeNull();
    expect(sourceNamer('postgres', { host: 'db', port: 5432 })).toBeNull(); // no database
    expect(
      sourceNamer('postgres', { host: 'db', port: 'not a port', database: 'd' })?.(table).namespace,
    ).toBe('postgres://db:5432');
  });

  it('names database sources with their default ports and a pasted scheme removed', () => {
    // Act
    const pg = sourceNamer('google_cloud_postgresql', { host: 'postgres://10.0.0.5/', database: 'app' });
    const my = sourceNamer('aurora', { host: 'aurora.cluster.example', port: '3307' });
    const ms = sourceNamer('sql_server_rds', { host: 'sql.example', database: 'erp' });

    // Assess
    expect(pg?.({ schema: 'public', table: 'users' })).toEqual({
      namespace: 'postgres://10.0.0.5:5432',
      name: 'app.public.users',
    });
    expect(my?.({ schema: 'shop', table: 'orders' })).toEqual({
      namespace: 'mysql://aurora.cluster.example:3307',
      name: 'shop.orders',
    });
    expect(ms?.({ schema: 'dbo', table: 'items' })).toEqual({
      namespace: 'mssql://sql.example:1433',
      name: 'erp.dbo.items',
    });
  });
});

describe('the OpenLineage schema copies under test/fixtures', () => {
  // CI lays shared/ beside the clone; the copies must stay what the reference holds.
  const reference = resolve(process.cwd(), '../shared/reference/openlineage');

  // Compared as JSON: the copies are formatted by the project's formatter, the content must not differ.
  it.skipIf(!existsSync(reference))('hold what shared/reference/openlineage holds', () => {
    // Prepare
    const files = [
      'OpenLineage.json',
      ...readdirSync(join(reference, 'facets')).map((f) => join('facets', f)),
    ];

    // Act / Assess
    for (const file of files) {
      const copy = JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8'));
      expect(copy, file).toEqual(JSON.parse(readFileSync(join(reference, file), 'utf8')));
    }
  });
});
