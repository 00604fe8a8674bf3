import fc from 'fast-check';
import { signBody } from '#commons/webhook/signature';
import { MAX_WEBHOOK_BODY_BYTES } from '#commons/webhook/webhook-decision';

/** Generators of hostile webhook requests: bodies, signatures, content types and extra headers. */

export const SECRET = 'hostile-input-webhook-secret-0123456789abcdef0123';
export const WEBHOOK = '/webhooks/fivetran';
export const LIMIT = MAX_WEBHOOK_BODY_BYTES;

export const EVENT_NAMES = [
  'sync_start',
  'sync_end',
  'pause_connector',
  'edit_connector',
  'dbt_run_failed',
  'x',
];

/** Mostly-valid Fivetran events with hostile field values. */
export const eventBody = fc
  .record(
    {
      event: fc.oneof(fc.constantFrom(...EVENT_NAMES), fc.string()),
      created: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.string(),
      ),
      connector_id: fc.oneof(fc.constantFrom('conn_a', 'conn_b', '_connector_1', ''), fc.string()),
      connector_type: fc.string(),
      sync_id: fc.oneof(fc.uuid(), fc.string()),
      destination_group_id: fc.string(),
      data: fc.oneof(
        fc.record({ status: fc.constantFrom('SUCCESSFUL', 'FAILURE', 'RESCHEDULED', 'WEIRD') }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: ['event'] },
  )
  .map((payload) => JSON.stringify(payload));

/** Nesting up to 1,000 deep: past 30 levels a signed body is quarantined (see the 10,000-deep test below). */
export const nested = fc
  .tuple(fc.integer({ min: 1, max: 1_000 }), fc.boolean())
  .map(([depth, objects]) =>
    objects
      ? `{"event":"sync_end","connector_id":"deep","data":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`
      : `${'['.repeat(depth)}${']'.repeat(depth)}`,
  );

/** Around the limit: some just under, some just over. */
export const sized = fc.integer({ min: LIMIT - 400, max: LIMIT + 400 }).map((size) => {
  const head = '{"event":"edit_connector","connector_id":"big","padding":"';
  return `${head}${'p'.repeat(Math.max(0, size - head.length - 2))}"}`;
});

export const body = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 3, arbitrary: fc.json().map((text) => Buffer.from(text)) },
  { weight: 5, arbitrary: eventBody.map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: nested.map((text) => Buffer.from(text)) },
  { weight: 1, arbitrary: sized.map((text) => Buffer.from(text)) },
);

export type Signing = 'valid' | 'valid-lowercase' | 'none' | 'wrong-secret' | 'garbage' | 'repeated';
export const signing = fc.constantFrom<Signing>(
  'valid',
  'valid',
  'valid-lowercase',
  'none',
  'wrong-secret',
  'garbage',
  'repeated',
);
export const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'image/png',
);
export const headerToken = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
export const extraHeaders = fc.dictionary(
  headerToken.filter((name) => !['content-length', 'transfer-encoding', 'host', 'connection'].includes(name)),
  fc.stringMatching(/^[ -~]{0,200}$/).map((value) => value.trim()),
  { maxKeys: 4 },
);

export function signatureHeaders(kind: Signing, bytes: Buffer): Record<string, string | string[]> {
  const good = signBody(bytes, SECRET);
  switch (kind) {
    case 'valid':
      return { 'x-fivetran-signature-256': good };
    case 'valid-lowercase':
      return { 'X-Fivetran-Signature-256': good.toLowerCase() };
    case 'none':
      return {};
    case 'wrong-secret':
      return { 'x-fivetran-signature-256': signBody(bytes, `${SECRET}-not`) };
    case 'garbage':
      return { 'x-fivetran-signature-256': 'sha256=AAAA, DROP TABLE' };
    case 'repeated':
      return { 'x-fivetran-signature-256': [good, good] };
  }
}
