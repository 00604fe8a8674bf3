// zod/mini with named imports: this module is on the webhook Lambda's path.
import { enum as enumOf, type infer as Infer, nullable, object, string } from 'zod/mini';
import { HEALTH_VALUES } from '../../connection/health.ts';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { AccessPatterns, alertChangeKey, indexEntry, keyPart } from '../table/keys.ts';
import { putIfAbsent } from '../table/put-if-absent.ts';
import { TTL_ATTRIBUTE } from '../table/table-definition.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';

/**
 * Health changes waiting to become alerts. The webhook and the sweep keep each change here right after the
 * connection write that made it (one small conditional put: the push path stays lean and never needs the
 * alert settings or channels); the alert pass plans them oldest first and deletes each once its alerts are
 * stored. A change kept twice (a retried write) is one item. Unplanned items expire after
 * `ALERT_INBOX_TTL_DAYS` (alerts switched off, or never deployed). Reading and deleting them is the alert
 * pass's business (`alert-inbox-reader.ts`), kept apart so the webhook bundle carries no DeleteItem.
 */
export const ALERT_INBOX_TTL_DAYS = 14;

const health = enumOf(HEALTH_VALUES);
export const recordedHealthChangeSchema = object({
  connection_id: string(),
  group_id: nullable(string()),
  service: nullable(string()),
  schema: nullable(string()),
  previous: nullable(health),
  health,
  // Any code: one a newer writer knows is still carried to the message as text.
  health_reason: nullable(object({ code: string(), message: string(), since: nullable(string()) })),
  changed_at: string(),
});
export type RecordedHealthChange = Infer<typeof recordedHealthChangeSchema>;

/** The push path's side of the inbox: keep a change to plan (false when it was already kept). */
export interface AlertChangeRecorder {
  record(change: RecordedHealthChange, nowMs: number): Promise<boolean>;
}

export const normalizedInstant = (value: string) => {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
};

export function alertInboxKey(change: RecordedHealthChange): string {
  return [change.connection_id, normalizedInstant(change.changed_at), change.previous ?? 'new', change.health]
    .map((part) => part.replaceAll('|', '%7C'))
    .join('|');
}

function inboxItem(change: RecordedHealthChange, key: string, nowMs: number): StoredItem {
  return {
    ...alertChangeKey(key),
    kind: 'alert_change',
    key,
    change,
    recorded_at: new Date(nowMs).toISOString(),
    ...indexEntry(
      AccessPatterns.alertsToPlan(),
      `${normalizedInstant(change.changed_at)}#${keyPart(key, 300)}`,
    ),
    [TTL_ATTRIBUTE]: Math.floor(nowMs / 1000) + ALERT_INBOX_TTL_DAYS * 86_400,
    schema_version: SCHEMA_VERSION,
  };
}

export function alertChangeRecorder(table: TableRef): AlertChangeRecorder {
  return {
    record(change, nowMs) {
      const key = alertInboxKey(change);
      return putIfAbsent(table, inboxItem(change, key, nowMs));
    },
  };
}
