import { lineLog } from '../observability/log.ts';
import { type SweepDeps, startSweep } from './run-sweep.ts';
import type { SweepControl, SweepStart } from './sweep-control.ts';

export interface LocalSweepOptions
  extends Pick<SweepDeps, 'repositories' | 'writer' | 'schemaChangeNotifier' | 'lineageNaming'> {
  readonly fivetran: SweepDeps['fivetran'];
  readonly schemaRequestBudget: number;
  readonly requestsPerHour?: number | null;
  /** A sweep runs at start and then this often (`SWEEP_INTERVAL_MINUTES`); null: only on request. */
  readonly intervalMs: number | null;
  /** How long one local sweep may run; it stops cleanly before. Default 10 minutes. */
  readonly budgetMs?: number;
  readonly now?: () => number;
  readonly log: (line: string) => void;
}

export interface LocalSweeps {
  /** For `POST /api/sweeps`: starts a sweep in this process, or says which one holds the lease. */
  readonly control: SweepControl;
  /** Resolves when the sweeps started so far have finished (tests, the first sweep of a demo). */
  idle(): Promise<void>;
  /** No new sweeps; a running one stops at its next step (and records why), then this resolves. */
  stop(): Promise<void>;
}

const DEFAULT_BUDGET_MS = 10 * 60_000;

/**
 * Sweeps run in this process (the local server): one at start, one every interval, and one whenever
 * `POST /api/sweeps` asks. They never overlap: the lease in the table decides, exactly as between deployed
 * sweeps.
 */
export function localSweepControl(options: LocalSweepOptions): LocalSweeps {
  const now = options.now ?? Date.now;
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const running = new Set<Promise<unknown>>();
  let stopping = false;

  async function start(trigger: string): Promise<SweepStart> {
    if (stopping) throw new Error('the server is shutting down');
    const deadline = now() + budgetMs;
    const starting = startSweep({
      repositories: options.repositories,
      writer: options.writer,
      ...(options.schemaChangeNotifier ? { schemaChangeNotifier: options.schemaChangeNotifier } : {}),
      lineageNaming: options.lineageNaming ?? false,
      fivetran: options.fivetran,
      schemaRequestBudget: options.schemaRequestBudget,
      requestsPerHour: options.requestsPerHour ?? null,
      remainingMs: () => deadline - now(),
      // The sweep stops at its next step and records why.
      stopRequested: () => (stopping ? 'the local server is shutting down' : null),
      safetyMarginMs: 0,
      maxLeaseMs: budgetMs,
      now,
      log: lineLog(options.log),
    });
    // Tracked from the first moment to the record written, so `idle` and `stop` never miss one.
    const whole = starting.then((started) => (started.status === 'started' ? started.done : null));
    running.add(whole);
    void whole
      .catch((error: unknown) => options.log(`sweep failed to run: ${(error as Error).message}`))
      .finally(() => running.delete(whole));
    const started = await starting;
    if (started.status === 'busy') {
      options.log(`sweep (${trigger}) not started: sweep ${started.id} is still running`);
      return { status: 'busy', id: started.id };
    }
    options.log(`sweep ${started.id} started (${trigger})`);
    return { status: 'started', id: started.id };
  }

  function startQuietly(trigger: string): void {
    start(trigger).catch((error: unknown) => {
      if (!stopping) options.log(`sweep (${trigger}) could not start: ${(error as Error).message}`);
    });
  }

  startQuietly('at start');
  const timer =
    options.intervalMs === null ? null : setInterval(() => startQuietly('scheduled'), options.intervalMs);
  timer?.unref();

  async function idle(): Promise<void> {
    while (running.size > 0) await Promise.allSettled(running);
  }

  return {
    control: { start: () => start('requested') },
    idle,
    async stop() {
      stopping = true;
      if (timer !== null) clearInterval(timer);
      await idle();
    },
  };
}
