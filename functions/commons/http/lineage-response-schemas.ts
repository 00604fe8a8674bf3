import * as z from 'zod';
import { TRANSFORMATION_HEALTH_VALUES } from '../lineage/transformation-health.ts';
import { transformationViewSchema } from '../lineage/transformation-record.ts';
import { schemaChangeRecordSchema, schemaChangeSchema } from '../tables/schema-changes.ts';
import { tableColumnSchema, tableNameSchema, tableViewSchema } from '../tables/table-item.ts';
import { text } from './query-params.ts';
import { apiSchemas, listOf } from './response-schemas.ts';

/**
 * The bodies of the tables, schema-change and transformation routes: the core's own shapes, made strict
 * (a field the document does not list fails the tests), registered for the OpenAPI document.
 */
apiSchemas.add(tableNameSchema, { id: 'TableName' });
apiSchemas.add(tableColumnSchema, { id: 'TableColumn' });

export const tableRowSchema = z.strictObject(tableViewSchema.shape);
apiSchemas.add(tableRowSchema, {
  id: 'DestinationTable',
  description:
    'A source table, where it lands, whether it is replicated, and its connection’s freshness (`last_success_at`) and health.',
});
export const tableListSchema = listOf(tableRowSchema, 'DestinationTableList');

apiSchemas.add(schemaChangeSchema, { id: 'SchemaChange' });
export const schemaChangeRecordRowSchema = z.strictObject(schemaChangeRecordSchema.shape);
apiSchemas.add(schemaChangeRecordRowSchema, {
  id: 'SchemaChangeRecord',
  description:
    'What one sweep saw change in a connection’s schema configuration, compared with the sweep before.',
});
export const schemaChangeListSchema = listOf(schemaChangeRecordRowSchema, 'SchemaChangeList');

export const transformationRowSchema = z.strictObject(transformationViewSchema.shape);
apiSchemas.add(transformationRowSchema, {
  id: 'Transformation',
  description:
    'A dbt Core or Quickstart transformation: status, last run, the connections that trigger it, health.',
});
export const transformationListSchema = listOf(transformationRowSchema, 'TransformationList');

const name = text.describe('Matches the destination or the source name, case-insensitively');

export const tablesQueryShape = {
  connection_id: text.optional(),
  schema: name.optional(),
  table: name.optional(),
};

export const transformationHealth = z.enum(TRANSFORMATION_HEALTH_VALUES, {
  error: (issue) => `must be one of ${TRANSFORMATION_HEALTH_VALUES.join(', ')}, got "${String(issue.input)}"`,
});
