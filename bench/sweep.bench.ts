/**
 * The sweep against a simulated account of 10,000 connections in 50 groups, every Fivetran answer 50 ms
 * late, into dynalite on disk. Reports: wall time; Fivetran requests beside the minimum possible (groups
 * pages + destinations pages + connection pages, 1,000 a page; goal: equal; schema requests counted apart,
 * with a small SCHEMA_REQUEST_BUDGET); items written by the first sweep and by an unchanged second one
 * (goal ≤ 1 % of the first); and a third after a little churn.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestCounter } from '#commons/fivetran/request-counter';
import { startLocalDynamo } from '#commons/local-store/local-dynamo';
import type { SweepRecord } from '#commons/store/repositories/sweeps';
import { waitForActiveTable } from '#commons/store/table/table-ready';
import { runSweep } from '#commons/sweep/run-sweep';
import { startSimulator } from '../functions/simulator/simulator.ts';
import { openCore } from '../test/support/core.ts';

const GROUPS = 50;
const CONNECTIONS = 10_000;
const LATENCY_MS = 50;
const SCHEMA_BUDGET = 20;
const SCHEMA_ENDPOINT = 'GET /v1/connections/{id}/schemas';

export default async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-bench-sweep-'));
  const sim = await startSimulator({
    seed: 'bench',
    groups: GROUPS,
    connections: CONNECTIONS,
    latencyMs: LATENCY_MS,
  });
  const dynamo = await startLocalDynamo({ path: join(dir, 'dynamodb') });
  await waitForActiveTable(dynamo.client, dynamo.tableName);
  const table = { client: dynamo.documentClient, tableName: dynamo.tableName };
  let healthEvents = 0;
  const core = openCore(table, { notifier: { onHealthChange: () => void healthEvents++ } });
  const pages = (n: number) => Math.max(1, Math.ceil(n / 1000));
  const minimum = pages(GROUPS) + pages(sim.account.destinations.size) + pages(CONNECTIONS);

  async function sweep(label: string): Promise<SweepRecord> {
    const counter = new RequestCounter();
    const events = healthEvents;
    const started = performance.now();
    const result = await runSweep({
      repositories: core.repositories,
      writer: core.writer,
      fivetran: { baseUrl: sim.url, credential: sim.credential, credentialName: 'bench' },
      schemaRequestBudget: SCHEMA_BUDGET,
      remainingMs: () => 15 * 60_000,
      counter,
    });
    const seconds = (performance.now() - started) / 1000;
    if (result.status !== 'finished') throw new Error('lease busy');
    const { record } = result;
    const byEndpoint = counter.snapshot().by_endpoint;
    const schema = byEndpoint[SCHEMA_ENDPOINT]?.total ?? 0;
    const other = record.requests.total - schema;
    console.log(
      `${label.padEnd(22)} ${seconds.toFixed(1).padStart(6)} s  outcome ${record.outcome.padEnd(9)} ` +
        `requests ${String(other).padStart(3)} (minimum ${minimum}) + ${schema} schema  ` +
        `items written ${String(record.items_written).padStart(6)}  health events ${healthEvents - events}`,
    );
    return record;
  }

  try {
    console.log(
      `${CONNECTIONS} connections, ${GROUPS} groups, ${LATENCY_MS} ms per Fivetran answer, schema budget ${SCHEMA_BUDGET}`,
    );
    const first = await sweep('first sweep');
    const second = await sweep('unchanged re-sweep');
    sim.churn({ added: 10, removed: 10, changed: 30 });
    const third = await sweep('after churn (10/10/30)');
    const ratio = (second.items_written / first.items_written) * 100;
    console.log(
      `unchanged re-sweep wrote ${second.items_written} items = ${ratio.toFixed(2)} % of the first ` +
        `(${second.schema_fetches} of them schema summaries: the budget catching up); ` +
        `after churn: ${third.connections_written} connections written, ${third.connections_deleted} deleted`,
    );
  } finally {
    await sim.close();
    await dynamo.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
