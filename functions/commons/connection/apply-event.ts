import { canonicalJson } from '../lib/canonical-json.ts';
import { toInstantMs } from '../lib/instant.ts';
import { clipText, MAX_LABEL_LENGTH, MAX_REASON_LENGTH } from '../lib/text.ts';
import { usableId } from '../lib/usable-id.ts';
import { type FivetranEvent, isDummyEvent } from '../webhook/parse-event.ts';
import {
  type Connection,
  type FactsAsOf,
  SYNCING,
  type SyncRecord,
  unknownConnection,
  withHealth,
} from './connection.ts';
import { foldSyncEvent } from './freshness-ledger.ts';
import { factWins } from './newest-fact.ts';
import { newestAction, recordConnectionTest } from './operator-events.ts';
import { rememberStart, withKnownStart } from './recent-starts.ts';
import { mergeCompletedSync, mergeSyncRecord } from './sync-record.ts';

/** The connection an event is about, or null: account-level events and Fivetran's dummy ids touch none. */
export function eventConnectionId(event: FivetranEvent): string | null {
  if (isDummyEvent(event)) return null;
  return usableId(event.connectionId);
}

/** The sync fact a `sync_start`/`sync_end` states on its own, or null for other events. */
export function syncRecordFromEvent(event: FivetranEvent): SyncRecord | null {
  if (event.event === 'sync_start') {
    return {
      sync_id: event.syncId,
      status: SYNCING,
      started_at: event.created,
      ended_at: null,
      reason: null,
      source: 'webhook',
    };
  }
  if (event.event === 'sync_end') {
    return {
      sync_id: event.syncId,
      // Any status string is kept as sent; a sync_end without one is not a success.
      status: clipText(event.data.status, MAX_LABEL_LENGTH) ?? 'UNKNOWN',
      started_at: null,
      ended_at: event.created,
      reason: clipText(event.data.reason, MAX_REASON_LENGTH),
      source: 'webhook',
    };
  }
  return null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function applyIdentity(next: Mutable<Connection>, asOf: Mutable<FactsAsOf>, event: FivetranEvent): void {
  const facts = { group_id: event.groupId, service: event.service, schema: event.connectionName };
  const at = event.createdAtMs;
  const newer = factWins(at, asOf.identity, false);
  let stated = false;
  for (const field of ['group_id', 'service', 'schema'] as const) {
    // group_id becomes an index key, so it must be a usable id; the others are labels.
    const value = field === 'group_id' ? usableId(facts[field]) : clipText(facts[field], MAX_LABEL_LENGTH);
    if (value === null) continue;
    stated = true;
    if (next[field] === null || newer) next[field] = value;
  }
  if (stated && at !== null && newer) asOf.identity = at;
}

/** Everything but `updated_at`: equal means the write would change nothing. */
export function sameConnection(a: Connection, b: Connection): boolean {
  return canonicalJson({ ...a, updated_at: null }) === canonicalJson({ ...b, updated_at: null });
}

export interface AppliedEvent {
  readonly connection: Connection;
  readonly changed: boolean;
}

/**
 * Merges one webhook event into its connection (creating it from the event's own fields when unknown).
 * Pure and idempotent: applying an event twice, or a set of events in any order, gives the same connection.
 */
export function applyEvent(
  current: Connection | null,
  event: FivetranEvent,
  context: { readonly nowIso: string },
): AppliedEvent | null {
  const id = eventConnectionId(event);
  if (id === null || (current !== null && current.id !== id)) return null;
  const before = current ?? unknownConnection(id, context.nowIso);
  const next: Mutable<Connection> = { ...before };
  const asOf: Mutable<FactsAsOf> = { ...before.facts_as_of };
  const at = event.createdAtMs;

  applyIdentity(next, asOf, event);

  switch (event.event) {
    case 'pause_connector':
    case 'resume_connector': {
      const pausing = event.event === 'pause_connector';
      // On an exact tie a pause beats a resume: the safer verdict, and order-independent.
      if (factWins(at, asOf.paused, pausing)) {
        next.paused = pausing;
        asOf.paused = at;
      }
      break;
    }
    case 'delete_connector':
      if (factWins(at, asOf.deleted, true)) {
        next.deleted_at = event.created ?? context.nowIso;
        asOf.deleted = at;
      }
      break;
    case 'create_connector':
      // Creation time: the earliest stated, so repeated or reordered creations agree.
      if (event.created !== null && at !== null) {
        const known = toInstantMs(next.created_at);
        if (known === null || at < known) next.created_at = event.created;
      }
      // A creation newer than a deletion brings the connection back.
      if (factWins(at, asOf.deleted, false)) {
        next.deleted_at = null;
        asOf.deleted = at;
      }
      break;
    case 'connection_failure':
    case 'connection_successful':
      next.connection_tests = recordConnectionTest(next.connection_tests, event);
      break;
    case 'edit_connector':
    case 'resync_connector':
    case 'resync_table':
    case 'force_update_connector':
      next.last_action = newestAction(next.last_action, event);
      break;
    default: {
      // The event's own fact: the connection's records merge starts and ends of one sync by themselves, so
      // the run need not be read first (the run is written beside, in the same step).
      const record = syncRecordFromEvent(event);
      if (record !== null) {
        if (event.event === 'sync_start') next.recent_starts = rememberStart(next.recent_starts, record);
        next.last_sync = withKnownStart(mergeSyncRecord(next.last_sync, record), next.recent_starts);
        next.last_completed_sync = withKnownStart(
          mergeCompletedSync(next.last_completed_sync, record),
          next.recent_starts,
        );
        const nowMs = Date.parse(context.nowIso);
        next.sync_ledger = foldSyncEvent(next, record, nowMs);
      }
    }
  }

  next.facts_as_of = asOf;
  const assessed = withHealth(next, before, context.nowIso);
  const changed = current === null || !sameConnection(before, assessed);
  if (changed) assessed.updated_at = context.nowIso;
  return { connection: assessed, changed };
}
