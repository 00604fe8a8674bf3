import { DUMMY_CONNECTION_ID, DUMMY_GROUP_ID } from '#commons/webhook/parse-event';
import type { SimConnection } from './account.ts';
import { iso } from './connection-generator.ts';
import type { Random } from './prng.ts';

export type EventPayload = Record<string, unknown>;

/**
 * A connection event in the key order of a live Fivetran delivery (`event, created, connector_type,
 * connector_id, connector_name, sync_id, destination_group_id, data`); `sync_id` and `data` only when they
 * apply. Webhooks still say "connector".
 */
export function connectionEvent(
  event: string,
  connection: Pick<SimConnection, 'id' | 'service' | 'schema' | 'group_id'>,
  createdMs: number,
  extra: { readonly syncId?: string; readonly data?: Record<string, unknown> } = {},
): EventPayload {
  const payload: EventPayload = {
    event,
    created: iso(createdMs),
    connector_type: connection.service,
    connector_id: connection.id,
    connector_name: connection.schema,
  };
  if (extra.syncId !== undefined) payload.sync_id = extra.syncId;
  payload.destination_group_id = connection.group_id;
  if (extra.data !== undefined) payload.data = extra.data;
  return payload;
}

/** The unsigned probe Fivetran posts when a webhook is created or activated, in its exact documented shape. */
export function creationProbe(createdMs: number): EventPayload {
  return {
    event: 'test_event',
    created: iso(createdMs),
    connector_type: '_connector_type',
    connector_id: DUMMY_CONNECTION_ID,
    group_id: DUMMY_GROUP_ID,
  };
}

/** What `POST /v1/webhooks/{id}/test` sends: the requested event for Fivetran's dummy connection. */
export function dummyEvent(event: string, createdMs: number): EventPayload {
  return {
    event,
    created: iso(createdMs),
    connector_type: '_connector_type',
    connector_id: DUMMY_CONNECTION_ID,
    destination_group_id: DUMMY_GROUP_ID,
  };
}

/** A v4-shaped UUID from the seeded PRNG, like Fivetran's `sync_id`. */
export function syncId(random: Random): string {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16));
  hex[12] = '4';
  hex[16] = ((random.int(0, 15) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
