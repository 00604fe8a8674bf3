// zod/mini with named imports (not the `z` namespace): esbuild then drops the rest of zod, locales
// included, which keeps the webhook Lambda bundle and its cold start small.
import { type infer as Infer, looseObject, minLength, optional, record, string, unknown } from 'zod/mini';
import { toInstantMs } from '../lib/instant.ts';

/** Fivetran's dummy ids, used by the creation probe and the webhook test endpoint. */
export const DUMMY_CONNECTION_ID = '_connector_1';
export const DUMMY_GROUP_ID = '_destination_1';

const optionalText = optional(string());

/**
 * The webhook envelope as Fivetran sends it, tolerant by design: only `event` is required, the old
 * `connector_*` and new `connection_*` spellings are both read, unknown keys (top level and in `data`) are
 * kept. Unknown event names are valid events.
 */
export const webhookPayloadSchema = looseObject({
  event: string().check(minLength(1)),
  created: optionalText,
  connector_type: optionalText,
  connector_id: optionalText,
  connection_id: optionalText,
  connector_name: optionalText,
  connection_name: optionalText,
  sync_id: optionalText,
  destination_group_id: optionalText,
  group_id: optionalText,
  data: optional(record(string(), unknown())),
});

export type WebhookPayload = Infer<typeof webhookPayloadSchema>;

/** A webhook event normalised to the product's vocabulary. `payload` is the parsed body, unknown keys kept. */
export interface FivetranEvent {
  readonly event: string;
  /** ISO-8601 as sent; `createdAtMs` is the same instant as a number, or null when absent or unreadable. */
  readonly created: string | null;
  readonly createdAtMs: number | null;
  readonly connectionId: string | null;
  readonly connectionName: string | null;
  readonly service: string | null;
  readonly groupId: string | null;
  readonly syncId: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  readonly payload: WebhookPayload;
}

export type ParseOutcome =
  | { readonly ok: true; readonly event: FivetranEvent }
  | { readonly ok: false; readonly reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * DynamoDB stores at most 32 levels of nested attributes and the event item holds the body one level down,
 * so a deeper body could never be stored (and would make every retry fail): it is quarantined raw instead.
 * Checked without recursion, so no depth can overflow the stack.
 */
export const MAX_NESTING = 30;

function nestingExceeds(root: object, limit: number): boolean {
  const pending: [unknown, number][] = [[root, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (depth > limit) return true;
    for (const child of Object.values(value as object)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}

/** Reads raw bytes as a Fivetran event, or says why it is not one we can read (the body is then quarantined). */
export function parseEvent(body: Uint8Array): ParseOutcome {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, reason: 'body is not valid UTF-8' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, reason: 'body is not a JSON object' };
  }
  if (nestingExceeds(json, MAX_NESTING)) {
    return { ok: false, reason: `body is nested deeper than ${MAX_NESTING} levels` };
  }
  const result = webhookPayloadSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    return { ok: false, reason: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  // zod validates only; the payload is the parsed body itself, because copying it (as zod's output does)
  // would turn an own `__proto__` key into a prototype and drop it from the identity.
  return { ok: true, event: normaliseEvent(json as WebhookPayload) };
}

export function normaliseEvent(payload: WebhookPayload): FivetranEvent {
  return {
    event: payload.event,
    created: payload.created ?? null,
    createdAtMs: toInstantMs(payload.created),
    connectionId: payload.connection_id ?? payload.connector_id ?? null,
    connectionName: payload.connection_name ?? payload.connector_name ?? null,
    service: payload.connector_type ?? null,
    groupId: payload.destination_group_id ?? payload.group_id ?? null,
    syncId: payload.sync_id ?? null,
    data: payload.data ?? {},
    payload,
  };
}

/** Events about Fivetran's dummy connection are kept but never create or change a connection. */
export function isDummyEvent(event: FivetranEvent): boolean {
  return event.connectionId === DUMMY_CONNECTION_ID || event.groupId === DUMMY_GROUP_ID;
}

/**
 * The unsigned creation probe, recognised only in its exact documented shape: `test_event` for the dummy
 * connector, no `data`, no `sync_id`, no keys beyond the documented five.
 */
const PROBE_KEYS = new Set(['event', 'created', 'connector_type', 'connector_id', 'group_id']);
export function isCreationProbe(body: Uint8Array): boolean {
  const outcome = parseEvent(body);
  if (!outcome.ok) return false;
  const { payload } = outcome.event;
  if (payload.event !== 'test_event' || payload.connector_id !== DUMMY_CONNECTION_ID) return false;
  return Object.keys(payload).every((key) => PROBE_KEYS.has(key));
}
