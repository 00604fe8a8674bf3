/**
 * Push path end to end: signed webhooks POSTed to the local server (HTTP, verify, parse, store on
 * dynalite on disk) at concurrency 16, against a baseline doing only the same DynamoDB writes directly
 * (the store's recordEvent on pre-parsed events, same dynalite, same table). Every delivery is counted back
 * from the store afterwards: zero lost. Goal (issue 3): server/baseline ≥ 0.6.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalConfig } from '#commons/config/local-config';
import { eventIdentity } from '#commons/webhook/event-identity';
import { type FivetranEvent, parseEvent } from '#commons/webhook/parse-event';
import { signBody } from '#commons/webhook/signature';
import { startLocalServer } from '../functions/local/local-server.ts';
import { summarise } from './stats.ts';

const CONCURRENCY = 16;
const CONNECTIONS = 50;
const SYNCS_PER_CONNECTION = 5;
const ROUNDS = 2;
const SECRET = 'bench-webhook-secret-0123456789abcdef0123';

interface Prepared {
  readonly body: string;
  readonly signature: string;
  readonly event: FivetranEvent;
  readonly id: string;
}

/** start/end of every sync of every connection, ordered so concurrent requests mostly hit different connections. */
function prepare(prefix: string): Prepared[] {
  const prepared: Prepared[] = [];
  for (let sync = 0; sync < SYNCS_PER_CONNECTION; sync++) {
    for (const kind of ['sync_start', 'sync_end'] as const) {
      for (let c = 0; c < CONNECTIONS; c++) {
        const minute = sync * 10 + (kind === 'sync_end' ? 5 : 0);
        const body = JSON.stringify({
          event: kind,
          created: new Date(Date.UTC(2026, 5, 1, 0, minute, c % 60)).toISOString(),
          connector_type: 'postgres',
          connector_id: `${prefix}_conn_${c}`,
          connector_name: `${prefix}_schema_${c}`,
          sync_id: `${prefix}-${c}-${sync}`,
          destination_group_id: `group_${c % 5}`,
          ...(kind === 'sync_end' ? { data: { status: sync % 4 === 3 ? 'FAILURE' : 'SUCCESSFUL' } } : {}),
        });
        const parsed = parseEvent(Buffer.from(body));
        if (!parsed.ok) throw new Error(parsed.reason);
        prepared.push({
          body,
          signature: signBody(body, SECRET),
          event: parsed.event,
          id: eventIdentity(parsed.event.payload),
        });
      }
    }
  }
  return prepared;
}

/** Runs `task` over `items` with a fixed number of workers; returns per-item latencies (ms) and total time. */
async function drive<T>(items: readonly T[], task: (item: T) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        const t0 = performance.now();
        await task(item);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

export default async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-bench-'));
  const server = await startLocalServer(
    loadLocalConfig({ PORT: '0', DATA_DIR: dataDir, FIVETRAN_WEBHOOK_SECRET: SECRET }),
    { log: () => {}, notifier: { onHealthChange: () => {} } },
  );
  try {
    const overHttp = async (item: Prepared) => {
      const response = await fetch(server.webhookUrl, {
        method: 'POST',
        body: item.body,
        headers: { 'content-type': 'application/json', 'X-Fivetran-Signature-256': item.signature },
      });
      const answer = (await response.json()) as { id?: string };
      if (response.status !== 200 || answer.id !== item.id)
        throw new Error(`delivery answered ${response.status}`);
    };
    const direct = async (item: Prepared) => {
      await server.recorder.recordEvent(item.event, item.id, Buffer.from(item.body));
    };

    // Warm up both paths (JIT, sockets, LevelDB) on their own ids.
    await drive(prepare('warm_http').slice(0, 100), overHttp);
    await drive(prepare('warm_direct').slice(0, 100), direct);

    const results = {
      http: { latencies: [] as number[], seconds: 0, count: 0 },
      direct: { latencies: [] as number[], seconds: 0, count: 0 },
    };
    // Interleaved rounds, so drift (a growing LevelDB, a busy machine) hits both sides alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [side, task] of [
        ['direct', direct],
        ['http', overHttp],
      ] as const) {
        const items = prepare(`${side}_${round}`);
        const { latencies, seconds } = await drive(items, task);
        results[side].latencies.push(...latencies);
        results[side].seconds += seconds;
        results[side].count += items.length;
      }
    }

    // Zero lost: every delivery acknowledged over HTTP is in the store.
    let stored = 0;
    let cursor: string | null = null;
    do {
      const page = await server.repositories.events.list({}, { limit: 1000, cursor });
      stored += page.items.filter((item) => item.connection_id?.startsWith('http_')).length;
      cursor = page.nextCursor;
    } while (cursor !== null);

    const rate = (side: keyof typeof results) => results[side].count / results[side].seconds;
    const line = (side: keyof typeof results) => {
      const { median, p99 } = summarise(results[side].latencies);
      return `${rate(side).toFixed(0)} events/s, p50 ${median.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`;
    };
    const ratio = rate('http') / rate('direct');
    console.log(
      `${results.http.count} signed events per side, concurrency ${CONCURRENCY}, dynalite on disk, node ${process.version}`,
    );
    console.log(`local server (HTTP → verify → store):  ${line('http')}`);
    console.log(`baseline (same DynamoDB writes, direct): ${line('direct')}`);
    console.log(
      `stored ${stored}/${results.http.count} delivered over HTTP (${results.http.count - stored} lost)`,
    );
    console.log(
      `ratio server/baseline: ${ratio.toFixed(2)} (goal ≥ 0.6: ${ratio >= 0.6 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
