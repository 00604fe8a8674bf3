import { recordRun, type SimAccount, type SimConnection, type SimRun } from './account.ts';
import { iso, taskMessage } from './connection-generator.ts';
import { connectionEvent, type EventPayload, syncId } from './event-payloads.ts';
import { FAILURE_REASONS } from './history-generator.ts';
import type { Random } from './prng.ts';
import { generateSchemaConfig } from './schema-generator.ts';

/** `sync_end` outcomes the simulator produces: Fivetran's documented `data.status` values, and `FAILED` (seen live). */
export type SyncOutcome = 'SUCCESSFUL' | 'FAILURE' | 'FAILURE_WITH_TASK' | 'FAILED' | 'RESCHEDULED';

export interface SyncOptions {
  readonly reason?: string;
  readonly taskType?: string;
}

const DEFAULT_REASONS: Record<Exclude<SyncOutcome, 'SUCCESSFUL'>, string> = {
  FAILURE: 'java.lang.RuntimeException: Connection reset by peer',
  FAILED: 'Sync failed; an automatic retry follows',
  FAILURE_WITH_TASK: 'Access to the source was revoked: reconnect the source',
  RESCHEDULED: 'Source API rate limit reached; sync rescheduled',
};

interface ActiveSync {
  readonly run: SimRun;
  timer: NodeJS.Timeout | null;
}

export interface SyncEngineDeps {
  readonly account: SimAccount;
  readonly random: Random;
  readonly now: () => number;
  readonly emit: (payload: EventPayload, connection: SimConnection) => void;
}

/**
 * Syncs: the REST state (`sync_state`, `succeeded_at`/`failed_at`, tasks), the sync-history runs and the
 * `sync_start`/`sync_end` deliveries, kept in step. A sync either ends when told (`finishSync`, what tests
 * do) or, in timer mode with durations, after it has lasted its simulated time.
 */
export class SyncEngine {
  readonly #deps: SyncEngineDeps;
  readonly #active = new Map<string, ActiveSync>();
  /** Connections whose last setup test failed (`connection_failure` sent): their next success says so. */
  readonly #failedSetup = new Set<string>();

  constructor(deps: SyncEngineDeps) {
    this.#deps = deps;
  }

  isSyncing(id: string): boolean {
    return this.#active.has(id);
  }

  forget(id: string): void {
    const active = this.#active.get(id);
    if (active?.timer) clearTimeout(active.timer);
    this.#active.delete(id);
  }

  stopAll(): void {
    for (const active of this.#active.values()) if (active.timer) clearTimeout(active.timer);
  }

  /** Starts a sync: `sync_state` becomes `syncing` and `sync_start` goes out. Returns the sync id. */
  start(connection: SimConnection): string {
    if (connection.paused) throw new Error(`connection ${connection.id} is paused`);
    this.forget(connection.id);
    const run: SimRun = {
      sync_id: syncId(this.#deps.random),
      started_ms: this.#deps.now(),
      ended_ms: null,
      status: null,
      reason: null,
    };
    recordRun(this.#deps.account, connection.id, run);
    this.#active.set(connection.id, { run, timer: null });
    connection.status.sync_state = 'syncing';
    connection.status.rescheduled_for = null;
    this.#deps.emit(
      connectionEvent('sync_start', connection, run.started_ms, { syncId: run.sync_id }),
      connection,
    );
    return run.sync_id;
  }

  /** Starts a sync that ends by itself after `durationMs` with `outcome` (timer mode). */
  startTimed(connection: SimConnection, durationMs: number, outcome: SyncOutcome): void {
    this.start(connection);
    const active = this.#active.get(connection.id) as ActiveSync;
    active.timer = setTimeout(() => {
      if (this.#active.get(connection.id) !== active) return;
      if (!this.#deps.account.connections.has(connection.id)) return;
      this.finish(connection, outcome);
    }, durationMs);
    active.timer.unref();
  }

  /**
   * Ends the running sync (starting one first if none runs) with `outcome`: the REST state changes to match
   * (`succeeded_at`/`failed_at` equal the `sync_end`'s `created`, `sync_state`, tasks), the run is recorded
   * and `sync_end` goes out with `data.status` (and `reason`, `taskType` where they apply).
   */
  finish(
    connection: SimConnection,
    outcome: SyncOutcome = 'SUCCESSFUL',
    options: SyncOptions = {},
  ): EventPayload {
    const id = connection.id;
    if (!this.#active.has(id)) this.start(connection);
    const active = this.#active.get(id) as ActiveSync;
    this.forget(id);
    const { run } = active;
    // An end never precedes its start, even when the clock has not moved.
    const endedMs = Math.max(this.#deps.now(), run.started_ms + 1);
    const status = connection.status;
    const data: Record<string, unknown> = { status: outcome };
    status.sync_state = 'scheduled';
    switch (outcome) {
      case 'SUCCESSFUL':
        connection.succeeded_at = iso(endedMs);
        status.setup_state = 'connected';
        status.update_state = 'on_schedule';
        status.is_historical_sync = false;
        status.tasks = [];
        // The first sync is what gives a connection its schema config.
        if (!this.#deps.account.schemas.has(id)) {
          const config = generateSchemaConfig(connection.service, connection.schema, this.#deps.random);
          this.#deps.account.schemas.set(id, config);
        }
        break;
      case 'FAILURE':
      case 'FAILED':
        connection.failed_at = iso(endedMs);
        data.reason = options.reason ?? DEFAULT_REASONS[outcome];
        break;
      case 'FAILURE_WITH_TASK': {
        const taskType = options.taskType ?? 'reconnect';
        connection.failed_at = iso(endedMs);
        status.tasks = [{ code: taskType, message: taskMessage(taskType) }];
        data.reason = options.reason ?? DEFAULT_REASONS.FAILURE_WITH_TASK;
        data.taskType = taskType;
        break;
      }
      case 'RESCHEDULED':
        status.sync_state = 'rescheduled';
        status.rescheduled_for = iso(endedMs + 60 * 60_000);
        data.reason = options.reason ?? DEFAULT_REASONS.RESCHEDULED;
        break;
    }
    run.ended_ms = endedMs;
    run.status = outcome;
    run.reason = typeof data.reason === 'string' ? data.reason : null;
    const payload = connectionEvent('sync_end', connection, endedMs, { syncId: run.sync_id, data });
    this.#deps.emit(payload, connection);
    if (outcome === 'SUCCESSFUL' && this.#failedSetup.delete(id)) {
      this.#deps.emit(connectionEvent('connection_successful', connection, endedMs), connection);
    }
    return payload;
  }

  /**
   * The connection test fails (credentials revoked, host unreachable): setup `broken`, a failed setup test
   * and a `connection_failure` delivery with the reason. The next success (or `repairSetup`) clears it.
   */
  failSetup(connection: SimConnection, reason: string = this.#deps.random.pick(FAILURE_REASONS)): void {
    connection.status.setup_state = 'broken';
    connection.setup_tests = [{ title: 'Connecting to source', status: 'FAILED', message: reason }];
    this.#failedSetup.add(connection.id);
    const at = this.#deps.now();
    this.#deps.emit(connectionEvent('connection_failure', connection, at, { data: { reason } }), connection);
  }

  /** The connection test passes again (or for the first time): setup `connected`, `connection_successful`. */
  repairSetup(connection: SimConnection): void {
    connection.status.setup_state = 'connected';
    connection.setup_tests = [{ title: 'Connecting to source', status: 'PASSED', message: '' }];
    this.#failedSetup.delete(connection.id);
    this.#deps.emit(connectionEvent('connection_successful', connection, this.#deps.now()), connection);
  }
}
