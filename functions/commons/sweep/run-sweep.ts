import type { FivetranCredential } from '../config/fivetran-settings.ts';
import { FivetranClient, type FivetranClientOptions } from '../fivetran/client.ts';
import { CredentialNotConfiguredError } from '../fivetran/credential-secret.ts';
import { CredentialRejectedError } from '../fivetran/errors.ts';
import { RequestCounter } from '../fivetran/request-counter.ts';
import type { ConnectionWriter } from '../ingest/connection-writer.ts';
import { type StructuredLog, silentLog } from '../observability/log.ts';
import { ABANDONED_SWEEP_ERROR } from '../store/repositories/abandoned-sweep.ts';
import type { SweepRecord } from '../store/repositories/sweeps.ts';
import type { Repositories } from '../store/repositories.ts';
import { noopSchemaChangeNotifier, type SchemaChangeNotifier } from '../tables/schema-change-notifier.ts';
import { checkWebhook } from './check-webhook.ts';
import { confirmDeletions } from './confirm-deletions.ts';
import { planOptionalRequests } from './sweep-budget.ts';
import { sweepConnections } from './sweep-connections.ts';
import {
  emptyFindings,
  emptyTally,
  ensureTime,
  MAX_UNREADABLE_KEPT,
  type SweepContext,
  type SweepFindings,
  type SweepPhase,
  type SweepProgress,
  type SweepTally,
} from './sweep-context.ts';
import { newSweepId } from './sweep-control.ts';
import { describeSweepError, sweepErrorCode } from './sweep-errors.ts';
import { sweepGroups } from './sweep-groups.ts';
import { sweepHistory } from './sweep-history.ts';
import { sweepLineageNaming } from './sweep-lineage-naming.ts';
import { sweepSchemas } from './sweep-schemas.ts';
import { sweepTransformations } from './sweep-transformations.ts';

export interface SweepDeps {
  readonly repositories: Repositories;
  /** Connections are written through it: health recomputed, real changes notified. */
  readonly writer: ConnectionWriter;
  /** How to reach Fivetran; the sweep adds its own time budget and request counter. */
  readonly fivetran: Omit<FivetranClientOptions, 'remainingMs' | 'counter' | 'credential'> & {
    readonly credential: FivetranCredential | CredentialSource;
  };
  /** Schema requests this sweep may make (`SCHEMA_REQUEST_BUDGET`); 0 turns schema fetching off. */
  readonly schemaRequestBudget: number;
  /**
   * Sync-history requests this sweep may make at most (default: no cap of its own, half of what the hourly
   * budget leaves); 0 turns the backfill off.
   */
  readonly historyRequestBudget?: number | null;
  /**
   * Fivetran requests an hour the product allows itself (`FIVETRAN_REQUESTS_PER_HOUR`); null for the default
   * (5 % of the paid plan's 20,000, and never above 10 % of the account's own limit). See `sweep-budget.ts`.
   */
  readonly requestsPerHour?: number | null;
  /** Milliseconds this run may still take (a Lambda's `getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  /** Stop this long before the deadline, so the record is written and the lease given back in time. */
  readonly safetyMarginMs?: number;
  /** The lease never outlives this (default 15 min, Lambda's longest run). */
  readonly maxLeaseMs?: number;
  /** A pre-assigned id (the api Lambda's async invoke); a fresh one by default. */
  readonly sweepId?: string;
  readonly now?: () => number;
  /** Store writes and API confirmations in flight at once (default 16). */
  readonly concurrency?: number;
  readonly counter?: RequestCounter;
  readonly onProgress?: (progress: SweepProgress) => void;
  readonly log?: StructuredLog;
  /** A reason to stop now (e.g. "the server is shutting down"), checked between steps; null to go on. */
  readonly stopRequested?: () => string | null;
  /** Told about each schema change the sweep stores (default: nobody). */
  readonly schemaChangeNotifier?: SchemaChangeNotifier;
  /** OPENLINEAGE_URL is set: keep what OpenLineage dataset names need (default false: nothing kept). */
  readonly lineageNaming?: boolean;
}

export type SweepStart =
  | { readonly status: 'started'; readonly id: string; readonly done: Promise<SweepRecord> }
  | { readonly status: 'busy'; readonly id: string };

export const DEFAULT_SAFETY_MARGIN_MS = 20_000;
export const DEFAULT_MAX_LEASE_MS = 15 * 60_000;

/**
 * Takes the lease (or reports who holds it), records the sweep as `running`, and starts it; `done`
 * resolves with the final record (also for a failed sweep: only a store failure rejects it). A sweep whose
 * lease had expired without finishing is recorded `failed` here.
 */
export async function startSweep(deps: SweepDeps): Promise<SweepStart> {
  const now = deps.now ?? Date.now;
  const margin = deps.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS;
  const startMs = now();
  const id = deps.sweepId ?? newSweepId(startMs);
  const leaseMs = Math.max(1_000, Math.min(deps.remainingMs(), deps.maxLeaseMs ?? DEFAULT_MAX_LEASE_MS));
  const { sweepLease, sweeps } = deps.repositories;
  const attempt = await sweepLease.acquire({ sweepId: id, nowMs: startMs, durationMs: leaseMs });
  if (!attempt.acquired) return { status: 'busy', id: attempt.holder.sweep_id };
  const startedAt = new Date(startMs).toISOString();
  try {
    if (attempt.abandoned !== null) {
      await sweeps.failAbandoned(attempt.abandoned.sweep_id, startedAt, ABANDONED_SWEEP_ERROR);
    }
    await sweeps.put({
      ...recordFields(id, startedAt, emptyTally(), new RequestCounter()),
      outcome: 'running',
      finished_at: null,
      error: null,
      error_code: null,
    });
  } catch (error) {
    await sweepLease.release(id).catch(() => {});
    throw error;
  }
  const done = execute(deps, id, startedAt, now, margin).finally(() =>
    sweepLease.release(id).catch(() => {}),
  );
  // The caller may not wait (POST /api/sweeps answers at once); it learns the end from the record.
  done.catch(() => {});
  return { status: 'started', id, done };
}

/** One sweep now, start to finish: the CLI and the sweep Lambda. */
export async function runSweep(
  deps: SweepDeps,
): Promise<
  | { readonly status: 'busy'; readonly id: string }
  | { readonly status: 'finished'; readonly record: SweepRecord }
> {
  const start = await startSweep(deps);
  if (start.status === 'busy') return start;
  return { status: 'finished', record: await start.done };
}

function recordFields(
  id: string,
  startedAt: string,
  tally: SweepTally,
  counter: RequestCounter,
  findings: SweepFindings = emptyFindings(),
) {
  const requests = counter.snapshot();
  const plan = findings.optional?.plan ?? null;
  return {
    id,
    started_at: startedAt,
    requests: { total: requests.total, by_status: requests.by_status },
    connections_seen: tally.connections_seen,
    connections_written: tally.connections_written,
    connections_deleted: tally.connections_deleted,
    schema_fetches: tally.schema_fetches,
    items_written: tally.items_written,
    connections_skipped: tally.connections_skipped,
    connections_skipped_total: tally.connections_skipped_total,
    webhook_active: tally.webhook_active,
    items_unreadable: findings.unreadable,
    items_unreadable_total: findings.unreadableTotal,
    history: findings.history,
    request_budget:
      plan === null
        ? null
        : {
            per_hour: plan.perHour,
            basis: plan.basis,
            optional_allowed: plan.optionalRequests,
            optional_used: findings.optional?.used ?? 0,
            limited_by: plan.limitedBy,
          },
  };
}

/** Where the API credential comes from when it can change under a running process (Secrets Manager). */
export interface CredentialSource {
  get(): Promise<FivetranCredential>;
  /** Reads it again, bypassing any cache: called once after a 401, so a rotated key needs no redeploy. */
  refresh(): Promise<FivetranCredential>;
}

const sameCredential = (a: FivetranCredential, b: FivetranCredential) =>
  a.apiKey === b.apiKey && a.apiSecret === b.apiSecret;

interface PhaseState {
  listingComplete: boolean;
  readonly requestsPerHour: number | null;
  /** Why the sweep stopped short of done after the listing (it is then `partial`). */
  readonly notes: string[];
  /** Worth telling, but nothing was left undone (the sweep can still be `succeeded`). */
  readonly remarks: string[];
}

/** The phases in order; the listing must complete before anything is deleted or schemas are fetched. */
async function runPhases(context: SweepContext, state: PhaseState): Promise<void> {
  ensureTime(context, 'starting');
  const destinations = await sweepGroups(context);
  const listing = await sweepConnections(context);
  state.listingComplete = true;
  context.findings.optional = await planOptionalRequests(context, state.requestsPerHour);
  await confirmDeletions(context, listing);
  const webhookNote = await checkWebhook(context);
  if (webhookNote !== null) state.remarks.push(webhookNote);
  const history = await sweepHistory(context, listing);
  context.findings.history = history.findings;
  if (history.shortfall !== null) state.notes.push(history.shortfall);
  if (context.lineageNaming) {
    const namingNote = await sweepLineageNaming(context, listing, destinations);
    if (namingNote !== null) state.remarks.push(namingNote);
  }
  const transformations = await sweepTransformations(context);
  if (transformations.note !== null) state.notes.push(transformations.note);
  if (transformations.remark !== null) state.remarks.push(transformations.remark);
  const schemas = await sweepSchemas(context, listing);
  if (schemas.stoppedBecause !== null) {
    state.notes.push(`schemas: ${schemas.stoppedBecause}; ${schemas.left} left for the next sweeps`);
  }
}

async function execute(
  deps: SweepDeps,
  id: string,
  startedAt: string,
  now: () => number,
  margin: number,
): Promise<SweepRecord> {
  const counter = deps.counter ?? new RequestCounter();
  const stopRequested = deps.stopRequested ?? (() => null);
  const timeLeft = () => (stopRequested() !== null ? 0 : deps.remainingMs() - margin);
  const stopReason = () => stopRequested() ?? (timeLeft() <= 0 ? 'the time budget ran out' : null);
  const tally = emptyTally();
  const findings = emptyFindings();
  const log = deps.log ?? silentLog;
  const noteUnreadable = (endpoint: string, entry: { id: string | null; problem: string }) => {
    findings.unreadableTotal++;
    if (findings.unreadable.length < MAX_UNREADABLE_KEPT) findings.unreadable.push({ endpoint, ...entry });
  };
  const contextWith = (credential: FivetranCredential): SweepContext => ({
    id,
    repositories: deps.repositories,
    writer: deps.writer,
    client: new FivetranClient({
      ...deps.fivetran,
      credential,
      counter,
      remainingMs: timeLeft,
      onUnreadable: noteUnreadable,
    }),
    tally,
    findings,
    now,
    timeLeft,
    stopReason,
    concurrency: deps.concurrency ?? 16,
    schemaRequestBudget: deps.schemaRequestBudget,
    historyRequestBudget: deps.historyRequestBudget ?? null,
    log,
    schemaChangeNotifier: deps.schemaChangeNotifier ?? noopSchemaChangeNotifier,
    lineageNaming: deps.lineageNaming ?? false,
    progress: (phase: SweepPhase) => deps.onProgress?.({ id, phase, requests: counter.total, ...tally }),
  });

  const state: PhaseState = {
    listingComplete: false,
    requestsPerHour: deps.requestsPerHour ?? null,
    notes: [],
    remarks: [],
  };
  const notes = state.notes;
  let failure: unknown = null;
  const source = deps.fivetran.credential;
  try {
    let credential = 'get' in source ? await source.get() : source;
    try {
      await runPhases(contextWith(credential), state);
    } catch (error) {
      // A 401 with a cached key: read the secret once more; a rotated key goes on within this sweep.
      if (!(error instanceof CredentialRejectedError) || !('refresh' in source)) throw error;
      const fresh = await source.refresh();
      if (sameCredential(fresh, credential)) throw error;
      credential = fresh;
      log.info(`sweep ${id}: the API credential was rotated; going on with the new one`, { sweep_id: id });
      state.listingComplete = false;
      await runPhases(contextWith(credential), state);
    }
  } catch (error) {
    failure = error;
    // A rejected key fails the sweep wherever it happened; the message names the secret to update.
    if (error instanceof CredentialRejectedError) state.listingComplete = false;
  }
  const listingComplete = state.listingComplete;
  const outcome: SweepRecord['outcome'] =
    failure instanceof CredentialNotConfiguredError
      ? 'not_configured'
      : !listingComplete
        ? 'failed'
        : failure !== null || notes.length > 0
          ? 'partial'
          : 'succeeded';
  const described = failure === null ? null : describeSweepError(failure);
  const error = [described, ...notes, ...state.remarks].filter((part) => part !== null).join('; ') || null;
  const record: SweepRecord = {
    ...recordFields(id, startedAt, tally, counter, findings),
    finished_at: new Date(now()).toISOString(),
    outcome,
    error,
    error_code: failure === null ? null : sweepErrorCode(failure),
  };
  deps.onProgress?.({ id, phase: 'done', requests: counter.total, ...tally });
  await deps.repositories.sweeps.put(record);
  log[outcome === 'failed' ? 'error' : 'info'](
    `sweep ${id} ${outcome}: ${record.connections_seen} connections seen, ${record.connections_written} written, ` +
      `${record.connections_deleted} deleted, ${record.schema_fetches} schema fetches, ` +
      `${record.items_written} items written, ${record.requests.total} requests` +
      (error ? ` (${error})` : ''),
    { sweep: record },
  );
  return record;
}
