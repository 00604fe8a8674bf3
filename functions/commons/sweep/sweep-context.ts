import type { FivetranClient } from '../fivetran/client.ts';
import type { ConnectionWriter } from '../ingest/connection-writer.ts';
import type { StructuredLog } from '../observability/log.ts';
import { MAX_SKIPPED_LISTED, type SkippedConnection } from '../store/repositories/sweeps.ts';
import type { Repositories } from '../store/repositories.ts';
import type { SchemaChangeNotifier } from '../tables/schema-change-notifier.ts';
import type { OptionalRequests } from './sweep-budget.ts';
import type { HistoryFindings } from './sweep-history.ts';

export type SweepPhase = 'groups' | 'connections' | 'deletions' | 'webhook' | 'history' | 'schemas' | 'done';

/** Running counts, shown while a sweep runs and kept in its record at the end. */
export interface SweepTally {
  groups_seen: number;
  connections_seen: number;
  connections_written: number;
  connections_deleted: number;
  /** Connections absent from the listing, and how many of them were checked one by one. */
  deletion_candidates: number;
  deletions_checked: number;
  schemas_due: number;
  /** Schema fetches this sweep means to make: the due ones, up to the budget. */
  schemas_planned: number;
  schema_fetches: number;
  /** Every data item put or updated (connections, groups, schema summaries, the webhook state). */
  items_written: number;
  /** Connections whose item could not be written (their content passes DynamoDB's limits), the first 20. */
  connections_skipped: SkippedConnection[];
  connections_skipped_total: number;
  webhook_active: boolean | null;
}

export interface SweepProgress extends Readonly<SweepTally> {
  readonly id: string;
  readonly phase: SweepPhase;
  readonly requests: number;
}

export function emptyTally(): SweepTally {
  return {
    groups_seen: 0,
    connections_seen: 0,
    connections_written: 0,
    connections_deleted: 0,
    deletion_candidates: 0,
    deletions_checked: 0,
    schemas_due: 0,
    schemas_planned: 0,
    schema_fetches: 0,
    items_written: 0,
    connections_skipped: [],
    connections_skipped_total: 0,
    webhook_active: null,
  };
}

/** An item Fivetran answered that could not be read (kept without the named fields, or dropped). */
export interface UnreadableItem {
  readonly endpoint: string;
  readonly id: string | null;
  readonly problem: string;
}

/** What a sweep learns on the way besides counts: kept on its record. */
export interface SweepFindings {
  /** The first few unreadable items (bounded), and how many there were in all. */
  readonly unreadable: UnreadableItem[];
  unreadableTotal: number;
  /** Planned after the listing; null before (or when the listing did not complete). */
  optional: OptionalRequests | null;
  /** What the sync-history phase did; null when it did not run. */
  history: HistoryFindings | null;
}

export const MAX_UNREADABLE_KEPT = 20;

export function emptyFindings(): SweepFindings {
  return { unreadable: [], unreadableTotal: 0, optional: null, history: null };
}

/** What every phase works with. */
export interface SweepContext {
  readonly id: string;
  readonly repositories: Repositories;
  /** Connections are written through it: health recomputed, real changes notified. */
  readonly writer: ConnectionWriter;
  readonly client: FivetranClient;
  readonly tally: SweepTally;
  readonly findings: SweepFindings;
  readonly now: () => number;
  /** Milliseconds left before the sweep must stop (the safety margin already taken off). */
  readonly timeLeft: () => number;
  /** Why the sweep must stop now (time ran out, the server is shutting down), or null to go on. */
  readonly stopReason: () => string | null;
  /** Store writes (and API confirmations) in flight at once. */
  readonly concurrency: number;
  readonly schemaRequestBudget: number;
  /** Sync-history requests this sweep may make at most; null: only the hourly budget's share limits them. */
  readonly historyRequestBudget: number | null;
  readonly progress: (phase: SweepPhase) => void;
  readonly log: StructuredLog;
  /** Told about each stored schema change record (the `Schema Changed` event deployed, a log line locally). */
  readonly schemaChangeNotifier: SchemaChangeNotifier;
  /** OPENLINEAGE_URL is set: keep the config fields dataset names need (see `sweep-lineage-naming.ts`). */
  readonly lineageNaming: boolean;
}

/** The sweep must stop (time ran out, or its host is stopping): a listing cut short makes it `failed`. */
export class SweepTimeUp extends Error {
  override name = 'SweepTimeUp';
}

export function ensureTime(context: SweepContext, doing: string): void {
  const reason = context.stopReason();
  if (reason !== null) throw new SweepTimeUp(`${reason} while ${doing}`);
}

/** Records a connection this sweep could not write; the sweep goes on without it. */
export function skipConnection(context: SweepContext, id: string, reason: string): void {
  const { tally } = context;
  tally.connections_skipped_total++;
  if (tally.connections_skipped.length < MAX_SKIPPED_LISTED) tally.connections_skipped.push({ id, reason });
  context.log.warn(`sweep ${context.id}: connection ${id} not written: ${reason}`, {
    sweep_id: context.id,
    connection_id: id,
  });
}
