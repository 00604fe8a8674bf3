import * as z from 'zod';
import { HEALTH_VALUES } from '../health.ts';
import { RUN_MODES } from '../queries/summary.ts';

/**
 * Every response body the API sends, as zod schemas: the OpenAPI document is generated from them, and the
 * tests validate real responses with them. Strict objects, so a field the document does not list fails.
 * Registered with ids so the document refers to each shape once (`#/components/schemas/<id>`).
 */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

const instant = z.string().describe('ISO-8601 instant');
const maybeText = z.string().nullable();
const maybeInstant = instant.nullable();
const health = z.enum(HEALTH_VALUES);

export const errorSchema = z.strictObject({ message: z.string() });
apiSchemas.add(errorSchema, { id: 'Error', description: 'Every error: the status code plus one line.' });

export const syncRecordSchema = z.strictObject({
  sync_id: maybeText,
  status: z
    .string()
    .describe('SUCCESSFUL, FAILURE, FAILURE_WITH_TASK, RESCHEDULED, any other as sent, or SYNCING'),
  started_at: maybeInstant,
  ended_at: maybeInstant,
  reason: maybeText,
  source: z.enum(['webhook', 'api']),
});
apiSchemas.add(syncRecordSchema, {
  id: 'SyncRecord',
  description: 'The newest fact about syncing, from either source.',
});

export const connectionStatusSchema = z.strictObject({
  setup_state: maybeText,
  sync_state: maybeText,
  update_state: maybeText,
  is_historical_sync: z.boolean().nullable(),
  rescheduled_for: maybeInstant,
  tasks: z.array(z.unknown()),
  warnings: z.array(z.unknown()),
});
apiSchemas.add(connectionStatusSchema, { id: 'ConnectionStatus' });

export const connectionSchema = z.strictObject({
  id: z.string(),
  group_id: maybeText,
  service: maybeText,
  schema: maybeText,
  paused: z.boolean(),
  status: connectionStatusSchema,
  sync_frequency: z.number().nullable(),
  schedule_type: maybeText,
  succeeded_at: maybeInstant,
  failed_at: maybeInstant,
  created_at: maybeInstant,
  deleted_at: maybeInstant,
  last_sync: syncRecordSchema.nullable(),
  last_completed_sync: syncRecordSchema.nullable(),
  health,
  updated_at: instant,
  schema_version: z.number().int(),
});
apiSchemas.add(connectionSchema, { id: 'Connection' });

export const syncRunSchema = z.strictObject({
  sync_id: z.string(),
  status: z.string(),
  started_at: maybeInstant,
  ended_at: maybeInstant,
  duration_s: z.number().nullable(),
  reason: maybeText,
  task_type: maybeText,
});
apiSchemas.add(syncRunSchema, { id: 'SyncRun' });

const schemaSelectionSchema = z.strictObject({
  state: z
    .enum(['present', 'none'])
    .describe('`none`: Fivetran has no schema config yet (before the first sync)'),
  fetched_at: instant,
  summary: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe(
      'Counts of enabled schemas, tables and columns, and per enabled schema its tables and sync modes',
    ),
});
apiSchemas.add(schemaSelectionSchema, { id: 'SchemaSelection' });

export const connectionDetailSchema = connectionSchema.extend({
  config: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .nullable()
    .describe("The non-sensitive, allow-listed part of Fivetran's `config`, from the sweep"),
  schema_selection: schemaSelectionSchema
    .nullable()
    .describe('What the connection replicates, from the sweep; null until its schema was fetched'),
  syncs: z.array(syncRunSchema).describe('The last 20 sync runs, newest first.'),
});
apiSchemas.add(connectionDetailSchema, { id: 'ConnectionDetail' });

export const eventSchema = z.strictObject({
  id: z.string().describe('SHA-256 of the canonical JSON of the event'),
  event: z.string(),
  created: maybeInstant,
  received_at: instant,
  connection_id: maybeText,
  group_id: maybeText,
  service: maybeText,
  sync_id: maybeText,
  payload: z.unknown().describe('The body as Fivetran sent it, parsed (any JSON value)'),
});
apiSchemas.add(eventSchema, { id: 'Event' });

export const destinationSchema = z.strictObject({
  id: z.string(),
  service: maybeText,
  region: maybeText,
  setup_status: maybeText,
  time_zone_offset: maybeText,
});
apiSchemas.add(destinationSchema, { id: 'Destination' });

export const groupSchema = z.strictObject({
  id: z.string(),
  name: maybeText,
  created_at: maybeInstant,
  destination: destinationSchema.nullable(),
  updated_at: maybeInstant,
});
apiSchemas.add(groupSchema, { id: 'Group' });

export const sweepSchema = z.strictObject({
  id: z.string(),
  started_at: instant,
  finished_at: maybeInstant,
  outcome: z.enum(['running', 'succeeded', 'partial', 'failed']),
  requests: z.strictObject({ total: z.number().int(), by_status: z.record(z.string(), z.number().int()) }),
  connections_seen: z.number().int(),
  connections_written: z.number().int(),
  connections_deleted: z.number().int(),
  schema_fetches: z.number().int(),
  items_written: z.number().int(),
  webhook_active: z.boolean().nullable(),
  error: maybeText,
});
apiSchemas.add(sweepSchema, { id: 'Sweep' });

export const healthChangeSchema = z.strictObject({
  connection_id: z.string(),
  schema: maybeText,
  service: maybeText,
  group_id: maybeText,
  from: health.nullable(),
  to: health,
  reason: maybeText,
  at: instant,
});
apiSchemas.add(healthChangeSchema, { id: 'HealthChange' });

export const registeredWebhookSchema = z.strictObject({
  webhook_id: z.string(),
  url: z.string(),
  registered_at: z.string(),
  group_id: maybeText,
  active: z.boolean().nullable(),
  active_checked_at: maybeInstant,
});
apiSchemas.add(registeredWebhookSchema, { id: 'RegisteredWebhook' });

export const summarySchema = z.strictObject({
  by_health: z.strictObject({
    failing: z.number().int(),
    delayed: z.number().int(),
    paused: z.number().int(),
    healthy: z.number().int(),
  }),
  connections_total: z.number().int().describe('Live connections (not deleted)'),
  connections_deleted: z.number().int(),
  counted_at: instant.describe('When the counts were taken (kept a few seconds)'),
  last_webhook_at: maybeInstant,
  last_sweep: sweepSchema.nullable(),
  events_quarantined: z.number().int(),
  probes_answered: z.number().int(),
  webhook_active: z.boolean().nullable(),
  registered_webhook: registeredWebhookSchema.nullable(),
  recent_health_changes: z.array(healthChangeSchema),
  mode: z.enum(RUN_MODES).nullable(),
  generated_at: instant,
});
apiSchemas.add(summarySchema, { id: 'Summary' });

function listOf<T extends z.ZodType>(item: T, id: string) {
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
