import * as z from 'zod';
import { alertMessageSchema } from './alert-model.ts';

/**
 * A message to send, once, to every configured channel: what the noise rules decide and the outbox stores.
 * The key is derived from what happened (connection, instant), so planning the same change twice — a
 * redelivered event, a retried write — enqueues nothing new.
 */
export const alertIntentSchema = z.object({
  /** Stable identity: `change:<connection>:<instant>`, `flapping:…`, `settled:…`, `paused:…`, `digest:<date>`. */
  key: z.string().min(1).max(2_048),
  /**
   * Messages in one lane go out in `seq` order, one after another: a connection's trigger never overtakes its
   * resolve. Lanes: the connection id; `<id>/paused`; `digest`.
   */
  lane: z.string().min(1).max(2_048),
  /** Sortable within the lane: the instant of what happened (ms, zero-padded) and a position. */
  seq: z.string().min(1).max(64),
  message: alertMessageSchema,
  /** Not before this instant (held changes, settled states, pause reminders wait). */
  due_at: z.string(),
});
export type AlertIntent = z.infer<typeof alertIntentSchema>;

export function sequenceOf(instantIso: string, position = 0): string {
  const ms = Math.max(0, Date.parse(instantIso) || 0);
  return `${String(ms).padStart(15, '0')}:${position}`;
}
