/**
 * Fivetran requests an hour: sweeps 15 minutes apart (the default schedule) against simulated accounts of 1,000
 * and 10,000 connections, paid (20,000/h) and trial (500/h), from an empty table: the first hour (every schema
 * due) and the second. "Before" is what the product asked for before the hourly budget — `SCHEMA_REQUEST_BUDGET`
 * 200 per sweep and nothing else, whatever the plan (measured on the paid account, which never refuses it);
 * "after" is today's rule. Compare with the account's limit: the product is one tool among several on it.
 * In-memory dynalite; the simulator answers at once.
 */
import { startLocalDynamo } from '#commons/local-store/local-dynamo';
import { waitForActiveTable } from '#commons/store/table/table-ready';
import { runSweep } from '#commons/sweep/run-sweep';
import { startSimulator } from '../functions/simulator/simulator.ts';
import { openCore } from '../test/support/core.ts';

const QUARTER_HOUR = 15 * 60_000;

async function hour(connections: number, trial: boolean, budgeted: boolean): Promise<number[]> {
  const [sim, dynamo] = await Promise.all([
    startSimulator({ seed: 'budget', groups: Math.max(1, connections / 200), connections, trial }),
    startLocalDynamo(),
  ]);
  try {
    await waitForActiveTable(dynamo.client, dynamo.tableName);
    const core = openCore({ client: dynamo.documentClient, tableName: dynamo.tableName });
    let nowMs = Date.parse('2026-06-01T12:00:00.000Z');
    const perSweep: number[] = [];
    for (let i = 0; i < 8; i++) {
      const result = await runSweep({
        repositories: core.repositories,
        writer: core.writer,
        fivetran: { baseUrl: sim.url, credential: sim.credential, credentialName: 'bench' },
        schemaRequestBudget: 200,
        // "Before": no hourly budget in the way (on the paid account 200 schemas a sweep never reach it).
        requestsPerHour: budgeted ? null : 20_000,
        remainingMs: () => 15 * 60_000,
        now: () => nowMs,
      });
      if (result.status !== 'finished') throw new Error('lease busy');
      perSweep.push(result.record.requests.total);
      nowMs += QUARTER_HOUR;
    }
    return perSweep;
  } finally {
    await Promise.all([sim.close(), dynamo.close()]);
  }
}

export default async function run(): Promise<void> {
  console.log('Fivetran requests per hour, sweeps every 15 min from an empty table; schema budget 200/sweep');
  const total = (runs: number[]) => runs.reduce((sum, n) => sum + n, 0);
  for (const connections of [1_000, 10_000]) {
    const before = await hour(connections, false, false);
    for (const trial of [false, true]) {
      const limit = trial ? 500 : 20_000;
      const after = await hour(connections, trial, true);
      const line = (label: string, runs: number[]) => {
        const [first, second] = [total(runs.slice(0, 4)), total(runs.slice(4))];
        const share = (n: number) => `${((n / limit) * 100).toFixed(0)} %`;
        return `${label} hour 1: ${first}/h (${share(first)}), hour 2: ${second}/h (${share(second)}); per sweep ${runs.join(', ')}`;
      };
      console.log(
        `${String(connections).padStart(6)} connections, ${trial ? 'trial' : 'paid'} (${limit}/h):`,
      );
      console.log(`  ${line('before', before)}`);
      console.log(`  ${line('after ', after)}`);
    }
  }
}
