import * as z from 'zod';

/**
 * Response shapes of the Fivetran REST API subset the product reads, as Fivetran's OpenAPI definition and
 * the public SDKs' mocks show them (field names and enum values exactly as Fivetran sends them).
 *
 * Tolerant on purpose (reference §9): Fivetran marks few fields required and older answers omit even
 * those, so every field but an item's identity is optional here. The client reads each item on its own
 * (`tolerant-read.ts`): a field that does not match is dropped from that item, never the page. Unknown keys
 * are kept; enum fields accept any string so a value Fivetran adds tomorrow is kept as sent. The known
 * values are exported for callers and for the simulator's conformance tests.
 */

export const SETUP_STATES = ['incomplete', 'connected', 'broken'] as const;
export const SYNC_STATES = ['scheduled', 'syncing', 'paused', 'rescheduled'] as const;
export const UPDATE_STATES = ['on_schedule', 'delayed'] as const;
export const SCHEDULE_TYPES = ['auto', 'manual'] as const;
export const SYNC_FREQUENCIES = [1, 5, 15, 30, 60, 120, 180, 360, 480, 720, 1440] as const;
export const DATA_DELAY_SENSITIVITIES = ['LOW', 'NORMAL', 'HIGH', 'CUSTOM', 'SYNC_FREQUENCY'] as const;
export const CONNECTION_NETWORKING_METHODS = [
  'Directly',
  'SshTunnel',
  'PrivateLink',
  'ProxyAgent',
  'UnmanagedProxyAgent',
  'Unknown',
] as const;
export const SETUP_TEST_STATUSES = ['PASSED', 'SKIPPED', 'WARNING', 'FAILED', 'JOB_FAILED'] as const;
/** Upper-case in the OpenAPI enum; Fivetran's own examples (and the Airflow, OpenMetadata fixtures) send lower-case. */
export const DESTINATION_SETUP_STATUSES = ['INCOMPLETE', 'CONNECTED', 'BROKEN'] as const;
export const DESTINATION_NETWORKING_METHODS = ['Directly', 'PrivateLink', 'SshTunnel', 'ProxyAgent'] as const;
export const SCHEMA_CHANGE_HANDLINGS = ['ALLOW_ALL', 'ALLOW_COLUMNS', 'BLOCK_ALL'] as const;
export const TABLE_SYNC_MODES = ['SOFT_DELETE', 'HISTORY', 'LIVE'] as const;
export const WEBHOOK_TYPES = ['account', 'group'] as const;

/** The `sync_end` `data.status` values Fivetran documents, plus `FAILED` (seen live); others are kept as sent. */
export const SYNC_END_STATUSES = [
  'SUCCESSFUL',
  'FAILURE',
  'FAILURE_WITH_TASK',
  'FAILED',
  'RESCHEDULED',
] as const;
/** The sync outcomes that are failures. `FAILED` was seen live during an automatic retry (reference §9). */
export const SYNC_FAILURE_STATUSES = ['FAILURE', 'FAILURE_WITH_TASK', 'FAILED'] as const;

/** Known values in one case, whatever case Fivetran sent; unknown values exactly as sent. */
function normaliseCase(known: readonly string[], value: string): string {
  const upper = value.trim().toUpperCase();
  return known.includes(upper) ? upper : value;
}

/** A destination's `setup_status` in one form (`connected` and `CONNECTED` → `CONNECTED`), unknown as sent. */
export function normaliseSetupStatus(value: string): string {
  return normaliseCase(DESTINATION_SETUP_STATUSES, value);
}

/** A sync outcome in Fivetran's upper-case words (`successful` → `SUCCESSFUL`), unknown as sent. */
export function normaliseSyncStatus(value: string): string {
  return normaliseCase(SYNC_END_STATUSES, value);
}

export function isFailedSyncStatus(status: string | null | undefined): boolean {
  return typeof status === 'string' && (SYNC_FAILURE_STATUSES as readonly string[]).includes(status);
}

const text = z.string();
const maybeText = z.string().nullish();
const maybeBool = z.boolean().nullish();
const maybeInt = z.number().int().nullish();
const maybeMap = z.record(z.string(), z.unknown()).nullish();
const maybeTexts = z.array(z.string()).nullish();

/** Envelope every Fivetran answer shares; `data` is read by the endpoint's own schema. */
export const envelopeSchema = z.looseObject({
  code: z.string(),
  message: z.string().nullish(),
  data: z.unknown().optional(),
});

/** A list page's `data`: only `items` must be readable; the cursor has two spellings (see `cursorOf`). */
export const pageEnvelopeSchema = z.looseObject({
  items: z.array(z.unknown()),
  next_cursor: z.string().nullish(),
  /** The 2024 camelCase spelling (seen in the dagster fixtures); `next_cursor` wins when both come. */
  nextCursor: z.string().nullish(),
});

/** Error bodies are `{code, message}` when present at all (a 401 may have no body). */
export const errorBodySchema = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
});

/** `GET /v1/account/info`: only `account_id` is required. */
export const accountInfoSchema = z.looseObject({
  account_id: text,
  account_name: maybeText,
  /** Present when a user's (scoped) key authenticated. */
  user_id: maybeText,
  /** Present when a system key authenticated. */
  system_key_id: maybeText,
});

export const groupSchema = z.looseObject({
  id: text,
  name: maybeText,
  created_at: maybeText,
});

export const setupTestSchema = z.looseObject({
  title: maybeText,
  status: maybeText,
  message: maybeText,
  /** Any JSON (the Go SDK had to widen it to `interface{}`). */
  details: z.unknown().optional(),
});

export const destinationSchema = z.looseObject({
  id: text,
  group_id: maybeText,
  service: maybeText,
  region: maybeText,
  time_zone_offset: maybeText,
  /** Normalised: `connected`/`CONNECTED` both read as `CONNECTED`; unknown values as sent. */
  setup_status: z
    .string()
    .nullish()
    .transform((value) => (typeof value === 'string' ? normaliseSetupStatus(value) : value)),
  daylight_saving_time_enabled: maybeBool,
  networking_method: maybeText,
  private_link_id: maybeText,
  hybrid_deployment_agent_id: maybeText,
  proxy_agent_id: maybeText,
  external_secrets_manager_id: maybeText,
  setup_tests: z.array(setupTestSchema).nullish(),
  config: maybeMap,
});

/** A task (user action needed) or warning on a connection: no property is required, not even `code`. */
export const connectionNoticeSchema = z.looseObject({
  code: maybeText,
  message: maybeText,
  details: z.unknown().optional(),
});

export const connectionStatusSchema = z.looseObject({
  setup_state: maybeText,
  sync_state: maybeText,
  update_state: maybeText,
  is_historical_sync: maybeBool,
  rescheduled_for: maybeText,
  schema_status: maybeText,
  tasks: z.array(connectionNoticeSchema).nullish(),
  warnings: z.array(connectionNoticeSchema).nullish(),
});

/**
 * List item (`ConnectorResponse`) and details (`ConnectorResponseV1`) share this shape. Only `id` is relied
 * on: the OpenAPI file requires more, but the SDKs' older mocks omit even `paused` and `status`.
 */
export const connectionSchema = z.looseObject({
  id: text,
  group_id: maybeText,
  service: maybeText,
  schema: maybeText,
  paused: maybeBool,
  status: connectionStatusSchema.nullish(),
  service_version: maybeInt,
  connected_by: maybeText,
  created_at: maybeText,
  succeeded_at: maybeText,
  failed_at: maybeText,
  pause_after_trial: maybeBool,
  sync_frequency: maybeInt,
  daily_sync_time: maybeText,
  schedule_type: maybeText,
  data_delay_sensitivity: maybeText,
  data_delay_threshold: maybeInt,
  networking_method: maybeText,
  private_link_id: maybeText,
  proxy_agent_id: maybeText,
  hybrid_deployment_agent_id: maybeText,
  destination_schema_names: maybeText,
  setup_tests: z.array(setupTestSchema).nullish(),
  config: maybeMap,
});

const patchSettingsSchema = z.looseObject({
  allowed: maybeBool,
  reason: maybeText,
  reason_code: maybeText,
});

export const columnConfigSchema = z.looseObject({
  name_in_destination: maybeText,
  enabled: maybeBool,
  hashed: maybeBool,
  is_primary_key: maybeBool,
  enabled_patch_settings: patchSettingsSchema.nullish(),
});

export const tableConfigSchema = z.looseObject({
  name_in_destination: maybeText,
  enabled: maybeBool,
  sync_mode: maybeText,
  supports_columns_config: maybeBool,
  supports_history_mode: maybeBool,
  enabled_patch_settings: patchSettingsSchema.nullish(),
  columns: z.record(z.string(), columnConfigSchema).nullish(),
});

export const schemaEntrySchema = z.looseObject({
  name_in_destination: maybeText,
  enabled: maybeBool,
  tables: z.record(z.string(), tableConfigSchema).nullish(),
});

/** `GET /v1/connections/{id}/schemas` (`StandardConfigResponse`). */
export const schemaConfigSchema = z.looseObject({
  enable_new_by_default: maybeBool,
  schema_change_handling: maybeText,
  schemas: z.record(z.string(), schemaEntrySchema).nullish(),
});

export const webhookSchema = z.looseObject({
  id: text,
  type: maybeText,
  url: maybeText,
  events: maybeTexts,
  active: maybeBool,
  /** Always masked (`******`) by Fivetran: keep your own copy of the secret. */
  secret: maybeText,
  group_id: maybeText,
  created_at: maybeText,
  created_by: maybeText,
});

export const webhookTestResultSchema = z.looseObject({
  succeed: maybeBool,
  status: maybeInt,
  message: maybeText,
});

export type AccountInfo = z.infer<typeof accountInfoSchema>;
export type Group = z.infer<typeof groupSchema>;
export type Destination = z.infer<typeof destinationSchema>;
export type Connection = z.infer<typeof connectionSchema>;
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;
export type ConnectionNotice = z.infer<typeof connectionNoticeSchema>;
export type SetupTest = z.infer<typeof setupTestSchema>;
export type SchemaConfig = z.infer<typeof schemaConfigSchema>;
export type Webhook = z.infer<typeof webhookSchema>;
export type WebhookTestResult = z.infer<typeof webhookTestResultSchema>;

/** Body of `POST /v1/webhooks/account` and `POST /v1/webhooks/group/{id}`. */
export interface WebhookCreateRequest {
  readonly url: string;
  readonly events: readonly string[];
  readonly active?: boolean;
  readonly secret?: string;
}

/** Body of `PATCH /v1/webhooks/{id}`: any subset. */
export type WebhookUpdateRequest = Partial<WebhookCreateRequest>;
