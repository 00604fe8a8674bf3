/**
 * Key design and access patterns: one table, every item kind below. All key attributes are strings; `#` separates parts.
 * Index keys are written only on items that belong in that listing (sparse indexes), so a listing reads
 * exactly its own kind: listing 10,000 connections by health or group never reads an event.
 *
 * | item            | pk                    | sk                | gsi1 (pk / sk)                  | gsi2 (pk / sk)                              | gsi3 (pk / sk)               |
 * |-----------------|-----------------------|-------------------|---------------------------------|---------------------------------------------|------------------------------|
 * | connection      | `CONN#<id>`           | `CONNECTION`      | `CONNECTIONS` / `<id>`          | `CONNECTIONS#HEALTH#<health>` / `<id>`      | `CONNECTIONS#GROUP#<group>` / `<id>` |
 * | sync run        | `CONN#<id>`           | `SYNC#<sync_id>`  | —                               | `SYNCS#<connection id>` / `<instant>#<sync_id>` | —                        |
 * | raw event       | `EVENT#<event id>`    | `EVENT`           | `EVENTS` / `<instant>#<event id>` | `EVENTS#CONN#<connection id>` / `<instant>#<event id>` | —              |
 * | quarantined     | `QUARANTINE#<id>`     | `QUARANTINE`      | `QUARANTINED` / `<received>#<id>` | —                                         | —                            |
 * | account stats   | `ACCOUNT`             | `STATS`           | —                               | —                                           | —                            |
 * | sweep record    | `SWEEP#<id>`          | `SWEEP`           | `SWEEPS` / `<started_at>#<id>`  | —                                           | —                            |
 * | sweep lease     | `LEASE`               | `SWEEP`           | —                               | —                                           | —                            |
 * | group           | `GROUP#<id>`          | `GROUP`           | `GROUPS` / `<id>`               | —                                           | —                            |
 * | schema summary  | `CONN#<id>`           | `SCHEMA`          | `SCHEMAS` / `<id>`              | —                                           | —                            |
 * | our webhook     | `ACCOUNT`             | `WEBHOOK`         | —                               | —                                           | —                            |
 * | health changes  | `ACCOUNT`             | `HEALTH_CHANGES`  | —                               | —                                           | —                            |
 * | sync stats      | `ACCOUNT`             | `SYNC_STATS`      | —                               | —                                           | —                            |
 * | alert to plan   | `ALERTCHANGE#<key>`   | `ALERT_CHANGE`    | `ALERTS#INBOX` / `<changed_at>#<key>` | —                                     | —                            |
 * | alert to send   | `ALERT#<id>`          | `ALERT`           | `ALERTS#DUE` / `<due or lease end>#<id>` (pending only) | `ALERTS#LANE#<lane>` / `<seq>#<id>` (pending only) | — |
 * | alert state     | `CONN#<id>`           | `ALERT_STATE`     | —                               | —                                           | —                            |
 * | channel fault   | `ACCOUNT`             | `ALERT_FAULT#<channel>` | —                         | —                                           | —                            |
 * | dest. table     | `CONN#<id>`           | `TABLE#<table_id>` | `TABLES` / `<name>#<table_id>` | `TABLES#CONN#<id>` / `<name>#<table_id>`    | `TABLES#NAME#<hash>` / `<name>#<table_id>` |
 * | table alias     | `CONN#<id>`           | `TABLE_ALIAS#<table_id>` | —                         | —                                           | `TABLES#NAME#<source hash>` / `<name>#<table_id>` |
 * | table set       | `CONN#<id>`           | `TABLESET`        | —                               | —                                           | —                            |
 * | schema change   | `CONN#<id>`           | `SCHEMA_CHANGE#<seen_at>#<sweep>` | —               | `SCHEMA_CHANGES#<id>` / `<seen_at>#<sweep>` | —                            |
 * | transformation  | `TRANSFORMATION#<id>` | `TRANSFORMATION`  | `TRANSFORMATIONS` / `<id>`      | —                                           | —                            |
 * | lineage event   | `LINEAGE#<event id>`  | `LINEAGE_EVENT`   | `LINEAGE#UNDELIVERED` / `<created>#<id>` | `LINEAGE#DUE` / `<next attempt>#<id>` | —                 |
 * | lineage naming  | `CONN#<id>` or `GROUP#<id>` | `LINEAGE_NAMING` | `LINEAGE_NAMING` / `<pk>`   | —                                           | —                            |
 * | Fivetran account| `ACCOUNT`             | `FIVETRAN_ACCOUNT` | —                              | —                                           | —                            |
 *
 * - `<instant>` is an ISO-8601 UTC string from `Date#toISOString` (fixed width), so string order is time
 *   order: events sort by Fivetran's `created` (the receive time when absent), sync runs by start (or end).
 *   Listings read these indexes backwards for "newest first".
 * - Event id = SHA-256 of the canonical JSON (see `event-identity.ts`); the event's PutItem is conditional on
 *   `attribute_not_exists(pk)`, which is what makes storage exactly-once.
 * - A connection's sync runs share its partition (`CONN#<id>`), so one connection's history stays together.
 * - Raw events, quarantined bodies and sync runs carry the TTL attribute `expires_at` (epoch seconds,
 *   now + EVENT_RETENTION_DAYS). TTL is only garbage collection: every read filters expired items itself.
 * - Single-partition listings (`CONNECTIONS`, `EVENTS`) are fine at Fivetran's event rates (a partition takes
 *   ~1,000 writes/s); connections by health/group are spread over their own partitions.
 * - A connection's schema summary (enabled schemas/tables and sync modes, from the sweep) is its own item, so
 *   a large selection never weighs on the connection item; `SCHEMAS` lets the sweep read every summary's
 *   freshness in a few queries to decide which to fetch next.
 * - `ACCOUNT`/`HEALTH_CHANGES` keeps the last 20 health changes for the dashboard (one small item, no scan).
 * - `ACCOUNT`/`SYNC_STATS` is the account's 7-day run figures and slowest connections, summed by the sweep
 *   from each connection's roll-up, so `GET /api/summary` reads one small item whatever the account's size.
 * - `ACCOUNT`/`WEBHOOK` is the webhook `webhook register` created at Fivetran (id and URL, never its secret).
 * - Alerts: a health change is first kept as an "alert to plan" (written by the webhook and the sweep right after
 *   the connection); the alert pass plans it against the connection's alert state and stores one "alert to
 *   send" per channel, then deletes it. Alerts to send are in `ALERTS#DUE` and their lane's `ALERTS#LANE#…`
 *   only while pending (sparse: sent, dead and cancelled ones leave both and expire by TTL), so "what is due
 *   now" and "which message of a lane goes first" are each one small query. A claim moves the item's
 *   `ALERTS#DUE` sort key to its lease end, so a claimed item is out of the due range until its lease expires.
 *   Parts longer than a key allows (hostile ids) are replaced by their SHA-256 (`keyPart`).
 * - Destination tables are one item each (a connection with 10,000 tables pages). `<name>` is the lower-case
 *   destination `schema.table`, clipped so the key stays far below DynamoDB's 1 KB sort-key limit; `<hash>` is
 *   the SHA-256 of the lower-case destination table name (any length fits a partition key). "Who feeds
 *   `stripe.charge`" is one query of `TABLES#NAME#<hash of charge>`, filtered on the schema. A table whose
 *   source name differs from its destination name also has an alias copy under the source name's hash, so
 *   the `table` filter matches either name, as `matchesTableFilter` does. `TABLESET` keeps what the stored
 *   set left out (`tables_omitted`): the next sweep compares with it (schema changes).
 * - Lineage events sit in `LINEAGE#DUE` only while pending (by next attempt: the deliverer's claim query)
 *   and in `LINEAGE#UNDELIVERED` until delivered (by creation: the oldest-undelivered alarm reads one item).
 * - Lineage naming items hold the few non-secret `config` fields OpenLineage dataset names need (host, port,
 *   database, …). They are written only when OPENLINEAGE_URL is set and no route ever reads them: the
 *   connection item's config allow-list stays free of hosts.
 * - Every item carries `schema_version` (see `lib/schema-version.ts`); a change of shape ships with its migration.
 */

import { createHash } from 'node:crypto';
import { GLOBAL_INDEXES, type GlobalIndexDefinition } from './table-definition.ts';

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export const connectionKey = (id: string): ItemKey => ({ pk: `CONN#${id}`, sk: 'CONNECTION' });
export const syncRunKey = (connectionId: string, syncId: string): ItemKey => ({
  pk: `CONN#${connectionId}`,
  sk: `SYNC#${syncId}`,
});
export const connectionSchemaKey = (id: string): ItemKey => ({ pk: `CONN#${id}`, sk: 'SCHEMA' });
export const eventKey = (id: string): ItemKey => ({ pk: `EVENT#${id}`, sk: 'EVENT' });
export const quarantineKey = (id: string): ItemKey => ({ pk: `QUARANTINE#${id}`, sk: 'QUARANTINE' });
export const sweepKey = (id: string): ItemKey => ({ pk: `SWEEP#${id}`, sk: 'SWEEP' });
export const groupKey = (id: string): ItemKey => ({ pk: `GROUP#${id}`, sk: 'GROUP' });
export const SWEEP_LEASE_KEY: ItemKey = { pk: 'LEASE', sk: 'SWEEP' };
export const STATS_KEY: ItemKey = { pk: 'ACCOUNT', sk: 'STATS' };
export const REGISTERED_WEBHOOK_KEY: ItemKey = { pk: 'ACCOUNT', sk: 'WEBHOOK' };
export const HEALTH_CHANGES_KEY: ItemKey = { pk: 'ACCOUNT', sk: 'HEALTH_CHANGES' };
export const SYNC_STATS_KEY: ItemKey = { pk: 'ACCOUNT', sk: 'SYNC_STATS' };
export const FIVETRAN_ACCOUNT_KEY: ItemKey = { pk: 'ACCOUNT', sk: 'FIVETRAN_ACCOUNT' };
export const tableKey = (connectionId: string, tableId: string): ItemKey => ({
  pk: `CONN#${connectionId}`,
  sk: `TABLE#${tableId}`,
});
export const tableAliasKey = (connectionId: string, tableId: string): ItemKey => ({
  pk: `CONN#${connectionId}`,
  sk: `TABLE_ALIAS#${tableId}`,
});
export const tableSetKey = (connectionId: string): ItemKey => ({
  pk: `CONN#${connectionId}`,
  sk: 'TABLESET',
});
export const schemaChangeKey = (connectionId: string, seenAt: string, sweepId: string): ItemKey => ({
  pk: `CONN#${connectionId}`,
  sk: `SCHEMA_CHANGE#${seenAt}#${sweepId}`,
});
export const transformationKey = (id: string): ItemKey => ({
  pk: `TRANSFORMATION#${id}`,
  sk: 'TRANSFORMATION',
});
export const lineageEventKey = (id: string): ItemKey => ({ pk: `LINEAGE#${id}`, sk: 'LINEAGE_EVENT' });
export const connectionNamingKey = (id: string): ItemKey => ({ pk: `CONN#${id}`, sk: 'LINEAGE_NAMING' });
export const destinationNamingKey = (id: string): ItemKey => ({ pk: `GROUP#${id}`, sk: 'LINEAGE_NAMING' });

/**
 * A key part that fits DynamoDB's limits (sort keys 1,024 bytes, partition keys 2,048): the value itself
 * when short enough, else `~` and its SHA-256, so an id of any length still names one item.
 */
export function keyPart(value: string, maxBytes = 700): string {
  if (Buffer.byteLength(value, 'utf8') <= maxBytes && !value.startsWith('~')) return value;
  return `~${createHash('sha256').update(value).digest('hex')}`;
}
export const alertChangeKey = (changeKey: string): ItemKey => ({
  pk: `ALERTCHANGE#${keyPart(changeKey)}`,
  sk: 'ALERT_CHANGE',
});
export const alertOutboxKey = (id: string): ItemKey => ({ pk: `ALERT#${keyPart(id)}`, sk: 'ALERT' });
export const alertStateKey = (connectionId: string): ItemKey => ({
  pk: `CONN#${connectionId}`,
  sk: 'ALERT_STATE',
});
export const channelFaultKey = (channel: string): ItemKey => ({
  pk: 'ACCOUNT',
  sk: `ALERT_FAULT#${keyPart(channel, 100)}`,
});

function index(name: string): GlobalIndexDefinition {
  const found = GLOBAL_INDEXES.find((candidate) => candidate.indexName === name);
  if (!found) throw new Error(`no index ${name}`);
  return found;
}

/** gsi1: one partition per item kind, in a stable order. */
const BY_KIND = index('gsi1');
/** gsi2: a narrower listing: connections of one health; one connection's sync runs; one connection's events. */
const NARROW = index('gsi2');
/** gsi3: connections of one group; destination tables by name. */
const BY_GROUP = index('gsi3');

/** One listing: an index and the partition in it. Items name the listings they belong to with `indexEntry`. */
export interface AccessPattern {
  readonly index: GlobalIndexDefinition;
  readonly partition: string;
}

/** Every listing the product reads, by name; callers never spell an index or a partition. */
export const AccessPatterns = {
  allConnections: (): AccessPattern => ({ index: BY_KIND, partition: 'CONNECTIONS' }),
  connectionsByHealth: (health: string): AccessPattern => ({
    index: NARROW,
    partition: `CONNECTIONS#HEALTH#${health}`,
  }),
  connectionsByGroup: (groupId: string): AccessPattern => ({
    index: BY_GROUP,
    partition: `CONNECTIONS#GROUP#${groupId}`,
  }),
  syncRunsOf: (connectionId: string): AccessPattern => ({
    index: NARROW,
    partition: `SYNCS#${connectionId}`,
  }),
  allEvents: (): AccessPattern => ({ index: BY_KIND, partition: 'EVENTS' }),
  eventsOf: (connectionId: string): AccessPattern => ({
    index: NARROW,
    partition: `EVENTS#CONN#${connectionId}`,
  }),
  allQuarantined: (): AccessPattern => ({ index: BY_KIND, partition: 'QUARANTINED' }),
  allSweeps: (): AccessPattern => ({ index: BY_KIND, partition: 'SWEEPS' }),
  allGroups: (): AccessPattern => ({ index: BY_KIND, partition: 'GROUPS' }),
  allSchemas: (): AccessPattern => ({ index: BY_KIND, partition: 'SCHEMAS' }),
  /** Health changes still to be planned into alerts, oldest change first. */
  alertsToPlan: (): AccessPattern => ({ index: BY_KIND, partition: 'ALERTS#INBOX' }),
  /** Pending alerts by the instant they may next be claimed (due time, or lease end while claimed). */
  alertsDue: (): AccessPattern => ({ index: BY_KIND, partition: 'ALERTS#DUE' }),
  /** The pending alerts of one lane (a channel and a connection) in send order. */
  alertLane: (lane: string): AccessPattern => ({
    index: NARROW,
    partition: `ALERTS#LANE#${keyPart(lane, 1_500)}`,
  }),
  allTables: (): AccessPattern => ({ index: BY_KIND, partition: 'TABLES' }),
  tablesOf: (connectionId: string): AccessPattern => ({
    index: NARROW,
    partition: `TABLES#CONN#${connectionId}`,
  }),
  /** `nameHash`: `tableNameHash` of a lower-case table name (destination, or source for an alias). */
  tablesNamed: (nameHash: string): AccessPattern => ({
    index: BY_GROUP,
    partition: `TABLES#NAME#${nameHash}`,
  }),
  schemaChangesOf: (connectionId: string): AccessPattern => ({
    index: NARROW,
    partition: `SCHEMA_CHANGES#${connectionId}`,
  }),
  allTransformations: (): AccessPattern => ({ index: BY_KIND, partition: 'TRANSFORMATIONS' }),
  lineageUndelivered: (): AccessPattern => ({ index: BY_KIND, partition: 'LINEAGE#UNDELIVERED' }),
  lineageDue: (): AccessPattern => ({ index: NARROW, partition: 'LINEAGE#DUE' }),
  allLineageNaming: (): AccessPattern => ({ index: BY_KIND, partition: 'LINEAGE_NAMING' }),
} as const;

/** The index attributes that put an item in a listing, at `sortKey`. */
export function indexEntry(pattern: AccessPattern, sortKey: string): Record<string, string> {
  return { [pattern.index.partitionKey]: pattern.partition, [pattern.index.sortKey]: sortKey };
}
