import * as z from 'zod';
import { connectionViewSchema, connectionViewShape, syncRecordSchema } from '../connection/connection.ts';
import { HEALTH_VALUES } from '../connection/health.ts';
import { syncRunViewSchema } from '../connection/sync-run.ts';
import { connectionDetailSchema, schemaSelectionSchema } from '../read/connection-detail.ts';
import { summarySchema } from '../read/summary.ts';
import { storedEventShape } from '../store/repositories/events.ts';
import { groupDestinationSchema, groupViewSchema } from '../store/repositories/groups.ts';
import { healthChangeEntrySchema } from '../store/repositories/health-changes.ts';
import { sweepRecordSchema } from '../store/repositories/sweeps.ts';
import { registeredWebhookSchema } from '../store/repositories/webhook-registration.ts';

/**
 * Every response body the API sends, as zod schemas: the OpenAPI document is generated from them, and the
 * tests validate real responses with them. Strict objects, so a field the document does not list fails.
 * Registered with ids so the document refers to each shape once (`#/components/schemas/<id>`). Shapes the
 * store keeps (connection, sync run, group, sweep) are defined once next to their items and only named here.
 */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

const instant = z.string().describe('ISO-8601 instant');
const _maybeText = z.string().nullable();
const _maybeInstant = instant.nullable();
const _health = z.enum(HEALTH_VALUES);

export const errorSchema = z.strictObject({ message: z.string() });
apiSchemas.add(errorSchema, { id: 'Error', description: 'Every error: the status code plus one line.' });

apiSchemas.add(syncRecordSchema, {
  id: 'SyncRecord',
  description:
    'The newest fact about syncing, from either source. `status`: SUCCESSFUL, FAILURE, FAILURE_WITH_TASK, ' +
    'RESCHEDULED, any other as sent, or SYNCING.',
});
apiSchemas.add(connectionViewShape.status, { id: 'ConnectionStatus' });

export const connectionSchema = connectionViewSchema;
apiSchemas.add(connectionSchema, { id: 'Connection' });

export const syncRunSchema = syncRunViewSchema;
apiSchemas.add(syncRunSchema, { id: 'SyncRun' });

apiSchemas.add(schemaSelectionSchema, { id: 'SchemaSelection' });
apiSchemas.add(connectionDetailSchema, { id: 'ConnectionDetail' });

export { connectionDetailSchema };

const { body: _body, ...eventFields } = storedEventShape;
export const eventSchema = z.strictObject({
  ...eventFields,
  payload: z.unknown().describe('The body as Fivetran sent it, parsed (any JSON value)'),
});
apiSchemas.add(eventSchema, { id: 'Event' });

apiSchemas.add(groupDestinationSchema, { id: 'Destination' });
export const groupSchema = groupViewSchema;
apiSchemas.add(groupSchema, { id: 'Group' });

export const sweepSchema = sweepRecordSchema;
apiSchemas.add(sweepSchema, { id: 'Sweep' });

export const healthChangeSchema = healthChangeEntrySchema;
apiSchemas.add(healthChangeSchema, { id: 'HealthChange' });

apiSchemas.add(registeredWebhookSchema, { id: 'RegisteredWebhook' });

apiSchemas.add(summarySchema, { id: 'Summary' });

export { summarySchema };

export function listOf<T extends z.core.$ZodType>(item: T, id: string) {
  const schema = z.strictObject({
    items: z.array(item),
    next_cursor: z.string().nullable().describe('Pass as `cursor` for the next page; null at the end'),
  });
  apiSchemas.add(schema, { id });
  return schema;
}

export const connectionListSchema = listOf(connectionSchema, 'ConnectionList');
export const eventListSchema = listOf(eventSchema, 'EventList');
export const groupListSchema = listOf(groupSchema, 'GroupList');
export const sweepListSchema = listOf(sweepSchema, 'SweepList');

export const sweepStartedSchema = z.strictObject({ id: z.string() });
apiSchemas.add(sweepStartedSchema, { id: 'SweepStarted' });
export const sweepBusySchema = z.strictObject({
  message: z.string(),
  id: z.string().describe('The running sweep'),
});
apiSchemas.add(sweepBusySchema, { id: 'SweepBusy' });

export const apiIndexSchema = z.strictObject({
  openapi: z.string().describe('Path of the OpenAPI 3.1 document'),
  routes: z.array(z.string()).describe('Every `/api` route, as `METHOD /path`'),
});
apiSchemas.add(apiIndexSchema, { id: 'ApiIndex' });

export const healthzSchema = z.strictObject({ status: z.literal('ok') });
apiSchemas.add(healthzSchema, { id: 'Healthz' });

export const webhookAcceptedSchema = z.union([
  z.strictObject({ event: z.string(), id: z.string(), duplicate: z.literal(true).optional() }),
  z.strictObject({ reason: z.string(), id: z.string() }).describe('Signed but unreadable: quarantined'),
  z.strictObject({ message: z.string() }).describe('The creation probe'),
]);
apiSchemas.add(webhookAcceptedSchema, { id: 'WebhookAccepted' });

/** The OpenAPI document itself is checked only as an object. */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  paths: z.record(z.string(), z.unknown()),
});
