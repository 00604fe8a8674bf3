/**
 * Push path end to end, against the ideal. Signed webhooks POSTed to the local server (HTTP, verify, parse,
 * store on dynalite on disk) at concurrency 16, beside the ideal on the same engine: the two raw writes an
 * event needs — one conditional put (the event, exactly once) and one conditional update (its connection).
 * Also what one event costs: DynamoDB requests and write units (index writes included) per new event and per
 * duplicate, counted on the server's own client. Every delivery is counted back from the store: zero lost.
 * Goals (issue 15): ratio to the ideal ≥ 0.6; ≤ 3 requests per new event.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { loadLocalConfig } from '#commons/config/local-config';
import { unknownConnection } from '#commons/connection/connection';
import { connectionItem } from '#commons/store/repositories/connections';
import { eventItem } from '#commons/store/repositories/events';
import { eventIdentity } from '#commons/webhook/event-identity';
import { type FivetranEvent, parseEvent } from '#commons/webhook/parse-event';
import { signBody } from '#commons/webhook/signature';
import { startLocalServer } from '../functions/local/local-server.ts';
import { summarise } from './stats.ts';
import { estimatedWriteUnits, meterDynamo } from './support/dynamo-meter.ts';

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

function storedEventOf(item: Prepared) {
  return {
    id: item.id,
    event: item.event.event,
    created: item.event.created,
    received_at: new Date().toISOString(),
    connection_id: item.event.connectionId,
    group_id: item.event.groupId,
    service: item.event.service,
    sync_id: item.event.syncId,
    body: item.body,
  };
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
    const { client, tableName } = server.table;
    // The ideal: the event put once, and one conditional update of its connection (no read first).
    const ideal = async (item: Prepared) => {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: `BENCH#${item.id}`, sk: 'EVENT', body: item.body },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `BENCHCONN#${item.event.connectionId}`, sk: 'CONNECTION' },
          UpdateExpression: 'SET last_event = :event, seen = if_not_exists(seen, :zero) + :one',
          ConditionExpression: 'attribute_not_exists(last_at) OR last_at <= :at',
          ExpressionAttributeValues: {
            ':event': item.event.event,
            ':zero': 0,
            ':one': 1,
            ':at': item.event.created,
          },
        }),
      );
    };
    // The same two writes with the items as the product lays them out (index keys and all): what the
    // engine must do at the least for an event and its connection to be listed.
    const template = connectionItem({
      ...unknownConnection('bench', new Date(0).toISOString()),
      group_id: 'group_0',
    });
    const idealIndexed = async (item: Prepared) => {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: eventItem(
            { ...storedEventOf(item), id: `ideal-${item.id}` },
            { sortMs: item.event.createdAtMs ?? 0, connectionId: `ideal_${item.event.connectionId}` },
            0,
          ),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...template,
            ...connectionItem({
              ...unknownConnection(`ideal_${item.event.connectionId}`, item.event.created ?? ''),
              group_id: 'group_0',
            }),
            pk: `CONN#ideal_${item.event.connectionId}`,
            sk: 'CONNECTION',
            last_event: item.event.event,
          },
        }),
      );
    };
    const direct = async (item: Prepared) => {
      await server.recorder.recordEvent(item.event, item.id, Buffer.from(item.body));
    };
    const meter = meterDynamo(client);

    // What one event costs: requests and write units, new and then again as a duplicate (one at a time).
    const costItems = prepare('cost');
    meter.reset();
    for (const item of costItems) await direct(item);
    const fresh = { requests: meter.total() / costItems.length, units: meter.writeUnits / costItems.length };
    const byCommand = [...meter.requests].map(([name, n]) => `${name} ${(n / costItems.length).toFixed(2)}`);
    meter.reset();
    for (const item of costItems) await direct(item);
    const again = { requests: meter.total() / costItems.length, units: meter.writeUnits / costItems.length };
    const againByCommand = [...meter.requests].map(
      ([name, n]) => `${name} ${(n / costItems.length).toFixed(2)}`,
    );
    // dynalite reports table units only: index writes are estimated from the items as stored.
    const sample = costItems.find((item) => item.event.event === 'sync_end') as Prepared;
    const storedItem = async (key: { pk: string; sk: string }) =>
      ((await client.send(new GetCommand({ TableName: tableName, Key: key }))).Item ?? {}) as Record<
        string,
        unknown
      >;
    const connectionId = sample.event.connectionId as string;
    const items = {
      event: await storedItem({ pk: `EVENT#${sample.id}`, sk: 'EVENT' }),
      run: await storedItem({ pk: `CONN#${connectionId}`, sk: `SYNC#${sample.event.syncId}` }),
      connection: await storedItem({ pk: `CONN#${connectionId}`, sk: 'CONNECTION' }),
    };
    const units = Object.fromEntries(
      Object.entries(items).map(([kind, item]) => [kind, estimatedWriteUnits(item)]),
    );

    // Warm up both paths (JIT, sockets, LevelDB) on their own ids.
    await drive(prepare('warm_http').slice(0, 100), overHttp);
    await drive(prepare('warm_ideal').slice(0, 100), ideal);
    await drive(prepare('warm_indexed').slice(0, 100), idealIndexed);

    const results = {
      http: { latencies: [] as number[], seconds: 0, count: 0 },
      direct: { latencies: [] as number[], seconds: 0, count: 0 },
      indexed: { latencies: [] as number[], seconds: 0, count: 0 },
    };
    // Interleaved rounds, so drift (a growing LevelDB, a busy machine) hits both sides alike.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [side, task] of [
        ['direct', ideal],
        ['indexed', idealIndexed],
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
    console.log(`local server (HTTP → verify → store):        ${line('http')}`);
    console.log(`ideal (put + conditional update, same engine): ${line('direct')}`);
    console.log(
      `ideal with the product's items and indexes:     ${line('indexed')} (ratio ${(rate('http') / rate('indexed')).toFixed(2)})`,
    );
    console.log(
      `per new event: ${fresh.requests.toFixed(2)} DynamoDB requests (${byCommand.join(', ')}); table write units as dynalite reports them ${fresh.units.toFixed(2)}`,
    );
    console.log(
      `per duplicate: ${again.requests.toFixed(2)} requests (${againByCommand.join(', ')}); table write units ${again.units.toFixed(2)}`,
    );
    console.log(
      `write units per write incl. index writes, from the stored items: event ${units.event}, sync run ${units.run}, connection ${units.connection} (a sync event writes all three: ${(units.event ?? 0) + (units.run ?? 0) + (units.connection ?? 0)} WRU; the ideal's two items ${estimatedWriteUnits({ body: sample.body })} + 1)`,
    );
    console.log(
      `stored ${stored}/${results.http.count} delivered over HTTP (${results.http.count - stored} lost)`,
    );
    console.log(
      `ratio server/ideal: ${ratio.toFixed(2)} (goal ≥ 0.6: ${ratio >= 0.6 ? 'met' : 'NOT met'}); requests per new event goal ≤ 3: ${fresh.requests <= 3 ? 'met' : 'NOT met'}`,
    );
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
