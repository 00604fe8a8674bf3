import { describe, expect, it } from 'vitest';
import { allowListedConfig } from '#commons/connection/connection-config';
import type { SchemaConfig } from '#commons/fivetran/schemas';
import { summarizeSchemaConfig } from '#commons/sweep/schema-summary';

describe('summarizeSchemaConfig', () => {
  it('counts enabled schemas, tables and given columns; a disabled schema enables none of its tables', () => {
    // Prepare
    const config: SchemaConfig = {
      enable_new_by_default: false,
      schema_change_handling: 'BLOCK_ALL',
      schemas: {
        public: {
          name_in_destination: 'pg_public',
          enabled: true,
          tables: {
            orders: {
              enabled: true,
              sync_mode: 'HISTORY',
              columns: { email: { enabled: true }, ssn: { enabled: false } },
            },
            audit: { enabled: false, sync_mode: 'SOFT_DELETE' },
          },
        },
        archive: {
          enabled: false,
          tables: { old: { enabled: true, sync_mode: 'LIVE', columns: { a: { enabled: true } } } },
        },
      },
    };

    // Act
    const summary = summarizeSchemaConfig(config);

    // Assess
    expect(summary).toEqual({
      enable_new_by_default: false,
      schema_change_handling: 'BLOCK_ALL',
      schemas_enabled: 1,
      schemas_total: 2,
      tables_enabled: 1,
      tables_total: 3,
      columns_enabled: 1,
      columns_given: 3,
      schemas: [
        {
          name: 'public',
          name_in_destination: 'pg_public',
          tables_enabled: 1,
          tables_total: 2,
          tables: [{ name: 'orders', sync_mode: 'HISTORY' }],
        },
      ],
      truncated: false,
    });
  });

  it('stays far below DynamoDB’s 400 KB item limit for a huge selection, counts intact', () => {
    // Prepare: 50 schemas × 2,000 tables with long names.
    const tables = Object.fromEntries(
      Array.from({ length: 2_000 }, (_, i) => [
        `table_${'x'.repeat(200)}_${i}`,
        { enabled: true, sync_mode: 'SOFT_DELETE' },
      ]),
    );
    const schemas = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`schema_${i}`, { enabled: true, tables }]),
    );

    // Act
    const summary = summarizeSchemaConfig({ schemas });
    const bytes = Buffer.byteLength(JSON.stringify(summary));

    // Assess
    expect(summary.truncated).toBe(true);
    expect(summary.tables_enabled).toBe(100_000);
    expect(summary.schemas.length).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(400 * 1024);
  });
});

describe('allowListedConfig', () => {
  it('keeps only allow-listed scalar fields and drops anything that looks secret or locating', () => {
    // Act
    const kept = allowListedConfig({
      update_method: 'WAL',
      schema_prefix: 'sf',
      is_sandbox: false,
      timeframe_months: 12,
      password: '******',
      host: 'db.internal.example.com',
      user: 'fivetran',
      api_key: 'abc',
      auth_type: '******',
      table: 'https://docs.google.com/spreadsheets/d/x',
      sync_mode: { nested: true },
      connection_type: 'a'.repeat(500),
    });

    // Assess
    expect(kept).toEqual({
      update_method: 'WAL',
      schema_prefix: 'sf',
      is_sandbox: false,
      timeframe_months: 12,
    });
  });
});
