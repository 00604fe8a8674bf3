import {
  type infer as Infer,
  nullable,
  number,
  object,
  optional,
  record,
  safeParse,
  string,
  unknown,
} from 'zod/mini';
import type { StoredItem } from '../table/versioned-update.ts';

/** An alert outbox item as the table keeps it (see `alert-outbox.ts`). */
const text = nullable(string());
export const alertOutboxRecordSchema = object({
  id: string(),
  intent_key: string(),
  channel: string(),
  lane: string(),
  seq: string(),
  message: record(string(), unknown()),
  status: string(),
  due_at: string(),
  attempts: number(),
  lease_until: optional(text),
  created_at: string(),
  updated_at: string(),
  delivered_at: optional(text),
  last_error: optional(text),
});
/** An item as stored; the message is the alert core's business (the port adapter parses it). */
export type AlertOutboxRecord = Omit<
  Infer<typeof alertOutboxRecordSchema>,
  'lease_until' | 'delivered_at' | 'last_error'
> & {
  readonly lease_until: string | null;
  readonly delivered_at: string | null;
  readonly last_error: string | null;
};
export type NewAlertOutboxRecord = Pick<
  AlertOutboxRecord,
  'id' | 'intent_key' | 'channel' | 'lane' | 'seq' | 'message' | 'due_at'
>;

export function decodeAlertOutboxRecord(item: StoredItem): AlertOutboxRecord | null {
  const parsed = safeParse(alertOutboxRecordSchema, item);
  if (!parsed.success) return null;
  const value = parsed.data;
  return {
    ...value,
    lease_until: value.lease_until ?? null,
    delivered_at: value.delivered_at ?? null,
    last_error: value.last_error ?? null,
  };
}
