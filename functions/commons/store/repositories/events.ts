import { type infer as Infer, nullable, object, string } from 'zod/mini';
import { instantKey } from '../../lib/instant.ts';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import { AccessPatterns, eventKey, indexEntry } from '../table/keys.ts';
import { putIfAbsent } from '../table/put-if-absent.ts';
import { allOf, type Page, type PageRequest, queryPage } from '../table/query-page.ts';
import type { Retention } from '../table/retention.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';

const text = nullable(string());

export const storedEventShape = {
  /** SHA-256 of the canonical JSON of the event (see `webhook/event-identity.ts`). */
  id: string(),
  event: string(),
  created: text,
  received_at: string(),
  connection_id: text,
  group_id: text,
  service: text,
  sync_id: text,
  /** The body exactly as received (valid UTF-8 JSON, or it would have been quarantined). */
  body: string(),
};
/** A raw webhook event as kept: the exact body text plus the fields listings filter on. */
export const storedEventSchema = object(storedEventShape);
export type StoredEvent = Infer<typeof storedEventSchema>;

/** The contract's view of an event: its fields plus the parsed payload (the body is never shown as text). */
export type EventView = Omit<StoredEvent, 'body'> & { readonly payload: unknown };

export function eventView(stored: StoredEvent): EventView {
  const { body, ...fields } = stored;
  return { ...fields, payload: JSON.parse(body) as unknown };
}

export interface EventFilters {
  readonly event?: string | undefined;
  readonly group_id?: string | undefined;
}

const EMPTY_EVENT: StoredEvent = {
  id: '',
  event: 'unknown',
  created: null,
  received_at: new Date(0).toISOString(),
  connection_id: null,
  group_id: null,
  service: null,
  sync_id: null,
  body: '{}',
};

export function decodeEvent(item: StoredItem): StoredEvent {
  return readFields(storedEventShape, item, EMPTY_EVENT).value;
}

export interface EventPlacement {
  /** Where the event sorts in the listings: Fivetran's `created`, else the moment it was received. */
  readonly sortMs: number;
  /** The connection it is listed under too, when it is about one. */
  readonly connectionId: string | null;
}

/** The event item: the stored event, its key, and the listings it belongs to. */
export function eventItem(stored: StoredEvent, placement: EventPlacement, expiresAt: number): StoredItem {
  const sortKey = `${instantKey(placement.sortMs)}#${stored.id}`;
  return {
    ...stored,
    ...eventKey(stored.id),
    kind: 'event',
    ...indexEntry(AccessPatterns.allEvents(), sortKey),
    ...(placement.connectionId ? indexEntry(AccessPatterns.eventsOf(placement.connectionId), sortKey) : {}),
    expires_at: expiresAt,
    schema_version: SCHEMA_VERSION,
  };
}

export interface EventRepository {
  /** Keeps the event exactly once (conditional put); false for a duplicate. */
  putOnce(stored: StoredEvent, placement: EventPlacement): Promise<boolean>;
  /** All events, newest first. */
  list(filters: EventFilters, page: PageRequest): Promise<Page<StoredEvent>>;
  /** One connection's events, newest first. */
  listOfConnection(connectionId: string, page: PageRequest): Promise<Page<StoredEvent>>;
}

export function eventRepository(
  table: TableRef,
  options: { readonly retention: Retention; readonly now: () => number },
): EventRepository {
  const { retention, now } = options;
  return {
    putOnce(stored, placement) {
      const sortKey = `${instantKey(placement.sortMs)}#${stored.id}`;
      return putIfAbsent(table, {
        ...stored,
        ...eventKey(stored.id),
        kind: 'event',
        ...indexEntry(AccessPatterns.allEvents(), sortKey),
        ...(placement.connectionId
          ? indexEntry(AccessPatterns.eventsOf(placement.connectionId), sortKey)
          : {}),
        expires_at: retention.expiresAt(now()),
        schema_version: SCHEMA_VERSION,
      });
    },

    list(filters, page) {
      const filter = allOf([
        retention.notExpired(now()),
        filters.event
          ? {
              expression: '#event = :event',
              names: { '#event': 'event' },
              values: { ':event': filters.event },
            }
          : null,
        filters.group_id
          ? {
              expression: '#group = :group',
              names: { '#group': 'group_id' },
              values: { ':group': filters.group_id },
            }
          : null,
      ]);
      return queryPage(table, {
        pattern: AccessPatterns.allEvents(),
        newestFirst: true,
        filter,
        scope: { listing: 'events', filters: { event: filters.event, group_id: filters.group_id } },
        page,
        decode: decodeEvent,
      });
    },

    listOfConnection(connectionId, page) {
      return queryPage(table, {
        pattern: AccessPatterns.eventsOf(connectionId),
        newestFirst: true,
        filter: retention.notExpired(now()),
        scope: { listing: 'connection-events', filters: { connectionId } },
        page,
        decode: decodeEvent,
      });
    },
  };
}
