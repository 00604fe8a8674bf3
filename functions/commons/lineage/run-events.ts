import { toInstantMs } from '../lib/instant.ts';
import { clipId, type DestinationTable } from '../tables/table-item.ts';
import type { FivetranEvent } from '../webhook/parse-event.ts';
import {
  type DatasetId,
  type DestinationInfo,
  destinationNamer,
  fallbackNamer,
  sourceNamer,
} from './dataset-naming.ts';
import {
  columnLineageFacet,
  documentationFacet,
  errorMessageFacet,
  type Facet,
  jobTypeFacet,
  PRODUCER,
  RUN_EVENT_SCHEMA_URL,
  schemaFacet,
  symlinksFacet,
} from './facets.ts';
import { messageText } from './plain-text.ts';
import { syncRunId } from './run-id.ts';

export type LineageEventType = 'START' | 'COMPLETE' | 'FAIL';

export interface LineageDataset {
  readonly namespace: string;
  readonly name: string;
  readonly facets?: Readonly<Record<string, Facet>>;
}

/** An OpenLineage 2-0-2 RunEvent, as this product emits it. */
export interface RunEvent {
  readonly eventType: LineageEventType;
  readonly eventTime: string;
  readonly producer: string;
  readonly schemaURL: string;
  readonly run: { readonly runId: string; readonly facets?: Readonly<Record<string, Facet>> };
  readonly job: {
    readonly namespace: string;
    readonly name: string;
    readonly facets: Readonly<Record<string, Facet>>;
  };
  readonly inputs: readonly LineageDataset[];
  readonly outputs: readonly LineageDataset[];
}

/** What is known about the connection that synced, for naming its job and datasets. */
export interface SyncLineageContext {
  readonly accountId: string;
  /** OPENLINEAGE_NAMESPACE, or null for the default `fivetran://<account_id>`. */
  readonly namespace: string | null;
  readonly connection: {
    readonly id: string;
    readonly schema: string;
    readonly service: string | null;
    readonly group_id: string | null;
    /** The connection's `config` (host, port, database for database sources), where known. */
    readonly config: Readonly<Record<string, unknown>> | null;
  };
  readonly destination: DestinationInfo | null;
  /** The connection's destination tables; only enabled ones are outputs. */
  readonly tables: readonly DestinationTable[];
}

export type SyncTransition =
  | { readonly kind: 'start'; readonly sync_id: string; readonly at: string }
  | {
      readonly kind: 'end';
      readonly sync_id: string;
      readonly at: string;
      readonly status: string;
      readonly reason: string | null;
      readonly task_type: string | null;
    };

/** A built event with its outbox id, and what the size bound left out. */
export interface LineageRunEvent {
  /** Deterministic: one per run and state, so a redelivered webhook enqueues nothing new. */
  readonly id: string;
  readonly event: RunEvent;
  readonly omitted: { readonly datasets: number; readonly column_facets: number };
}

/** The event is stored in one outbox item (DynamoDB: 400 KB) before it is sent. */
export const MAX_EVENT_BYTES = 300_000;
/** As every text copied from Fivetran onto an item. */
const MAX_MESSAGE_LENGTH = 4_096;
/** A `created` this far past receipt counts as the moment of receipt (as for the connection's last sync). */
const MAX_CLOCK_AHEAD_MS = 5 * 60_000;
/** Final statuses that are not failures (as the connection health reads them). */
const COMPLETED_STATUSES = new Set(['SUCCESSFUL', 'RESCHEDULED']);

/** Fivetran's text, clipped, control characters (but line breaks and tabs) turned to spaces. */
const textField = (value: unknown, max: number): string | null =>
  typeof value === 'string' && value.trim() !== '' ? messageText(value, max) : null;

/**
 * The lineage transition a webhook reports: `sync_start` or `sync_end` with a `sync_id`, else null. The
 * event time is the webhook's `created`, or `receivedAt` when Fivetran sent none we can read.
 */
export function syncTransitionOf(event: FivetranEvent, receivedAt: string): SyncTransition | null {
  if (!event.syncId || (event.event !== 'sync_start' && event.event !== 'sync_end')) return null;
  const received = toInstantMs(receivedAt);
  const created = event.createdAtMs;
  const ms =
    created !== null && (received === null || created <= received + MAX_CLOCK_AHEAD_MS) ? created : received;
  if (ms === null) return null;
  const at = new Date(ms).toISOString();
  const syncId = clipId(event.syncId);
  if (event.event === 'sync_start') return { kind: 'start', sync_id: syncId, at };
  return {
    kind: 'end',
    sync_id: syncId,
    at,
    status: textField(event.data.status, 64) ?? 'UNKNOWN',
    reason: textField(event.data.reason, MAX_MESSAGE_LENGTH),
    task_type: textField(event.data.taskType ?? event.data.task_type, 128),
  };
}

export function eventTypeOf(transition: SyncTransition): LineageEventType {
  if (transition.kind === 'start') return 'START';
  return COMPLETED_STATUSES.has(transition.status) ? 'COMPLETE' : 'FAIL';
}

function failureMessage(transition: Extract<SyncTransition, { kind: 'end' }>): string {
  const reason = transition.reason ?? 'Fivetran gave no reason';
  const task = transition.task_type ? ` (task: ${transition.task_type})` : '';
  return `${transition.status}: ${reason}${task}`.slice(0, MAX_MESSAGE_LENGTH);
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

interface DatasetPair {
  readonly output: LineageDataset;
  readonly bareOutput: LineageDataset;
  readonly input: LineageDataset | null;
}

const dataset = (id: DatasetId, facets: Readonly<Record<string, Facet>>): LineageDataset =>
  Object.keys(facets).length > 0
    ? { namespace: id.namespace, name: id.name, facets }
    : { namespace: id.namespace, name: id.name };

function datasetPair(table: DestinationTable, output: DatasetId, input: DatasetId | null): DatasetPair {
  const linkFacets: Record<string, Facet> = output.aliases?.length
    ? { symlinks: symlinksFacet(output.aliases) }
    : {};
  const columnFacets: Record<string, Facet> = {};
  if (table.columns?.some((column) => column.enabled)) {
    columnFacets.schema = schemaFacet(table.columns);
    if (input) columnFacets.columnLineage = columnLineageFacet(table.columns, input);
  }
  return {
    output: dataset(output, { ...linkFacets, ...columnFacets }),
    bareOutput: dataset(output, linkFacets),
    input: input ? dataset(input, {}) : null,
  };
}

/**
 * The OpenLineage event for one sync transition: START on `sync_start`, COMPLETE or FAIL (with the
 * errorMessage facet) on `sync_end`. Outputs are the enabled destination tables, named by the destination
 * platform's convention; inputs are the source tables where the source is a database we can name. Kept
 * under MAX_EVENT_BYTES: column facets go first, then whole datasets, each counted in `omitted`.
 */
export function buildSyncRunEvent(context: SyncLineageContext, transition: SyncTransition): LineageRunEvent {
  const { connection } = context;
  const eventType = eventTypeOf(transition);
  const runId = syncRunId(connection.id, transition.sync_id);
  const destinationId = context.destination?.id ?? connection.group_id;
  const nameOutput = destinationNamer(context.destination) ?? fallbackNamer(context.accountId, destinationId);
  const nameInput = sourceNamer(connection.service, connection.config);
  const description = messageText(
    `Fivetran ${connection.service ?? 'unknown'} connection ${connection.id} into destination ${destinationId ?? 'unknown'}`,
    MAX_MESSAGE_LENGTH,
  );
  const skeleton: RunEvent = {
    eventType,
    eventTime: transition.at,
    producer: PRODUCER,
    schemaURL: RUN_EVENT_SCHEMA_URL,
    run: {
      runId,
      ...(transition.kind === 'end' && eventType === 'FAIL'
        ? { facets: { errorMessage: errorMessageFacet(failureMessage(transition)) } }
        : {}),
    },
    job: {
      namespace: context.namespace ?? `fivetran://${clipId(context.accountId)}`,
      name: clipId(connection.schema),
      facets: { jobType: jobTypeFacet(), documentation: documentationFacet(description) },
    },
    inputs: [],
    outputs: [],
  };
  const inputs: LineageDataset[] = [];
  const outputs: LineageDataset[] = [];
  let bytes = bytesOf(skeleton);
  let datasets = 0;
  let columnFacets = 0;
  for (const table of context.tables) {
    if (!table.enabled) continue;
    const pair = datasetPair(table, nameOutput(table.destination), nameInput?.(table.source) ?? null);
    const inputBytes = pair.input ? bytesOf(pair.input) + 1 : 0;
    const full = bytesOf(pair.output) + 1 + inputBytes;
    const bare = bytesOf(pair.bareOutput) + 1 + inputBytes;
    let output = pair.output;
    if (bytes + full > MAX_EVENT_BYTES) {
      if (bytes + bare > MAX_EVENT_BYTES) {
        datasets++;
        continue;
      }
      if (pair.output.facets?.schema) columnFacets++;
      output = pair.bareOutput;
    }
    outputs.push(output);
    if (pair.input) inputs.push(pair.input);
    bytes += output === pair.output ? full : bare;
  }
  return {
    id: `openlineage#${runId}#${eventType}`,
    event: { ...skeleton, inputs, outputs },
    omitted: { datasets, column_facets: columnFacets },
  };
}
