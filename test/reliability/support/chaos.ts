import type { SweepRecord } from '#commons/store/repositories/sweeps';
import type { Simulator } from '../../../functions/simulator/simulator.ts';
import type { SweepFixture } from '../../sweep/sweep-fixture.ts';

/**
 * Fivetran on a bad day, on every endpoint, drawn from the simulator's seeded PRNG: throttling with
 * Retry-After, server errors, slow answers, dropped connections, truncated and malformed pages.
 */
export function addChaos(sim: Simulator, scale = 1): void {
  const p = (share: number) => share * scale;
  sim.faults.add({ kind: 'latency', ms: 15, probability: p(0.2) });
  sim.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 2, probability: p(0.08) });
  sim.faults.add({ kind: 'status', status: 500, probability: p(0.04) });
  sim.faults.add({ kind: 'status', status: 502, probability: p(0.03) });
  sim.faults.add({ kind: 'status', status: 503, retryAfterSeconds: 1, probability: p(0.03) });
  sim.faults.add({ kind: 'disconnect', probability: p(0.03) });
  sim.faults.add({ kind: 'truncated', probability: p(0.02) });
  sim.faults.add({ kind: 'malformed', probability: p(0.02) });
}

export interface ChaosRun {
  readonly records: SweepRecord[];
  /** Connections seen with `deleted_at` after any sweep of the run, by sweep. */
  readonly deletedAfter: string[][];
}

/**
 * Sweeps until one succeeds (at most `maxSweeps`), noting after each sweep which connections the table
 * holds as deleted.
 */
export async function sweepUntilSucceeded(
  fx: SweepFixture,
  options: { readonly maxSweeps: number; readonly schemaRequestBudget?: number; readonly now?: () => number },
): Promise<ChaosRun> {
  const records: SweepRecord[] = [];
  const deletedAfter: string[][] = [];
  for (let i = 0; i < options.maxSweeps; i++) {
    const record = await fx.sweep({
      schemaRequestBudget: options.schemaRequestBudget ?? 0,
      ...(options.now ? { now: options.now } : {}),
    });
    records.push(record);
    const stored = await fx.repositories.connections.readAll();
    deletedAfter.push(
      [...stored.values()]
        .filter((entry) => entry.value !== null && entry.value.deleted_at !== null)
        .map((entry) => entry.value?.id as string)
        .sort(),
    );
    if (record.outcome === 'succeeded') break;
  }
  return { records, deletedAfter };
}

/** One line per sweep for a failure message: outcome, requests by status, error. */
export function describeRun(run: ChaosRun): string {
  return run.records
    .map((r) => `${r.outcome} ${JSON.stringify(r.requests.by_status)} ${r.error ?? ''}`)
    .join('\n');
}
