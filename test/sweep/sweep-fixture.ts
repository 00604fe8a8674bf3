import type { HealthChange } from '#commons/ingest/health-notifier';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import type { SweepRecord } from '#commons/store/repositories/sweeps';
import { waitForActiveTable } from '#commons/store/table/table-ready';
import type { TableRef } from '#commons/store/table/table-ref';
import { runSweep, type SweepDeps, type SweepStart, startSweep } from '#commons/sweep/run-sweep';
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../functions/simulator/simulator.ts';
import { type Core, openCore } from '../support/core.ts';

export const CREDENTIAL_NAME = 'FIVETRAN_API_KEY/FIVETRAN_API_SECRET';

/** A clock the test moves by hand (also what the sweep reads as "now"). */
export function manualClock(startIso = '2026-06-01T12:00:00.000Z') {
  let ms = Date.parse(startIso);
  return {
    now: () => ms,
    advance: (by: number) => {
      ms += by;
    },
  };
}

export interface SweepFixture extends Core {
  readonly sim: Simulator;
  readonly dynamo: LocalDynamo;
  readonly table: TableRef;
  readonly changes: HealthChange[];
  /** Deps for one sweep against the simulator; override anything. */
  deps(overrides?: Partial<SweepDeps>): SweepDeps;
  /** One full sweep; fails the test if the lease was busy. */
  sweep(overrides?: Partial<SweepDeps>): Promise<SweepRecord>;
  start(overrides?: Partial<SweepDeps>): Promise<SweepStart>;
  close(): Promise<void>;
}

/** Real dynalite (in memory), the real store, the simulator on a free port; no real sleeping on retries. */
export async function startSweepFixture(simOptions: SimulatorOptions = {}): Promise<SweepFixture> {
  const [sim, dynamo] = await Promise.all([
    startSimulator({ seed: 11, groups: 3, connections: 30, ...simOptions }),
    startLocalDynamo(),
  ]);
  await waitForActiveTable(dynamo.client, dynamo.tableName);
  const table: TableRef = { client: dynamo.documentClient, tableName: dynamo.tableName };
  const changes: HealthChange[] = [];
  // The simulator's clock is the store's too (retention, the recorder's receipt time), as one world.
  const core = openCore(table, {
    ...(simOptions.now ? { now: simOptions.now } : {}),
    notifier: { onHealthChange: (change) => void changes.push(change) },
  });
  const deps = (overrides: Partial<SweepDeps> = {}): SweepDeps => ({
    repositories: core.repositories,
    writer: core.writer,
    fivetran: {
      baseUrl: sim.url,
      credential: sim.credential,
      credentialName: CREDENTIAL_NAME,
      random: () => 0.5,
      sleep: async () => {},
      backoff: { baseMs: 1, capMs: 2 },
    },
    schemaRequestBudget: 200,
    // The sync-history backfill adds requests and writes to every count the other suites check: it is off
    // unless a test asks for it (test/sweep/history.test.ts).
    historyRequestBudget: 0,
    remainingMs: () => 600_000,
    ...overrides,
  });
  return {
    sim,
    dynamo,
    table,
    ...core,
    changes,
    deps,
    async sweep(overrides) {
      const result = await runSweep(deps(overrides));
      if (result.status !== 'finished') throw new Error(`lease busy (held by ${result.id})`);
      return result.record;
    },
    start: (overrides) => startSweep(deps(overrides)),
    async close() {
      await Promise.all([sim.close(), dynamo.close()]);
    },
  };
}
