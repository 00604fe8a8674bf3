import { clipKept, MAX_LABEL_LENGTH } from '../lib/text.ts';
import type { StoredEvent } from '../store/repositories/events.ts';
import type { FivetranEvent } from '../webhook/parse-event.ts';

/**
 * A signed body is trusted to come from Fivetran, not to be sensible: its fields are bounded before they
 * are copied anywhere, and a date in the future is not allowed to outrank every true fact.
 */

/** A `created` more than this far past the moment of receipt counts as the moment of receipt. */
export const MAX_CREATED_AHEAD_MS = 5 * 60_000;

const clipLabel = (value: string | null): string | null => clipKept(value, MAX_LABEL_LENGTH);

/**
 * The event as the sync run and the connection learn it: `created` clamped to the moment of receipt when it
 * lies more than 5 minutes ahead (a signed event dated 2099 must not pin a connection failing or top every
 * listing), and the texts copied onto items clipped to 1,024 characters. The raw event keeps what was sent.
 */
export function eventAsApplied(event: FivetranEvent, receivedMs: number): FivetranEvent {
  const future = event.createdAtMs !== null && event.createdAtMs > receivedMs + MAX_CREATED_AHEAD_MS;
  return {
    ...event,
    event: clipLabel(event.event) ?? event.event,
    created: future ? new Date(receivedMs).toISOString() : clipLabel(event.created),
    createdAtMs: future ? receivedMs : event.createdAtMs,
    connectionName: clipLabel(event.connectionName),
    service: clipLabel(event.service),
    groupId: clipLabel(event.groupId),
    syncId: clipLabel(event.syncId),
  };
}

/**
 * The event item's fields: the listings' copies (`event`, `created`, ids, `service`) clipped to 1,024
 * characters, so a 205 KB `connector_type` beside its own body cannot pass the item limit; `body` keeps
 * every byte that was signed.
 */
export function storedEventOf(
  event: FivetranEvent,
  fields: { readonly id: string; readonly receivedAt: string; readonly body: string },
): StoredEvent {
  return {
    id: fields.id,
    event: clipLabel(event.event) ?? event.event,
    created: clipLabel(event.created),
    received_at: fields.receivedAt,
    connection_id: clipLabel(event.connectionId),
    group_id: clipLabel(event.groupId),
    service: clipLabel(event.service),
    sync_id: clipLabel(event.syncId),
    body: fields.body,
  };
}
