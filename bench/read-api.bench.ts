/**
 * The read side at 10,000 connections: the local server (dynalite on disk, as `npm start` runs it) with
 * 10,000 connection items in 50 groups, 2,000 raw events and 50 group items written straight in the stored
 * shape. Measures over HTTP the median latency of `GET /api/connections?health=failing` (default page and
 * a 1,000 page), `GET /api/summary` (with its 5 s count cache, and counting every time) and one connection's detail,
 * and in Chromium the dashboard's time from navigation to its first row, and to the whole account. Every
 * connection carries a week of hourly runs in its 7-day roll-up and the summary the account's figures (issue
 * 16: reading them must stay within the figures before); the sweep's summing of 10,000 roll-ups is timed too.
 * Goals (issue 6): API ≤ 100 ms, first row ≤ 1 s.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { loadLocalConfig } from '#commons/config/local-config';
import { type Connection, unknownConnection } from '#commons/connection/connection';
import { computeHealth } from '#commons/connection/health';
import { ledgerFromRuns, type SyncLedger } from '#commons/connection/sync-stats';
import { createHttpApp } from '#commons/http/app';
import { startHttpServer } from '#commons/http/node-server';
import { connectionItem } from '#commons/store/repositories/connections';
import { eventItem } from '#commons/store/repositories/events';
import { groupItem } from '#commons/store/repositories/groups';
import { connectionKey } from '#commons/store/table/keys';
import type { TableRef } from '#commons/store/table/table-ref';
import { sumAccountSyncStats } from '#commons/sweep/account-sync-stats';
import { startLocalServer } from '../functions/local/local-server.ts';
import { CHROMIUM, launchChromium } from '../test/support/chromium.ts';
import { summarise } from './stats.ts';

const CONNECTIONS = 10_000;
const GROUPS = 50;
const EVENTS = 2_000;
const SAMPLES = 40;
const PAGE_LOADS = 5;
/** Each connection's 7-day roll-up: hourly runs for a week (168), as a 60-minute schedule makes. */
const RUNS_PER_DAY = 24;
const LEDGER_SHAPES = 20;

/** A week of hourly runs, some failing, durations spread over 20 s … 20 min; a few distinct shapes reused. */
function ledgers(nowMs: number): SyncLedger[] {
  return Array.from({ length: LEDGER_SHAPES }, (_, shape) => {
    const runs = Array.from({ length: 7 * RUNS_PER_DAY }, (_, r) => {
      const endMs = nowMs - r * 3_600_000 - shape * 60_000;
      const seconds = 20 + ((r * 37 + shape * 101) % 1_180);
      return {
        sync_id: `run_${shape}_${r}`,
        status: (r + shape) % 11 === 0 ? 'FAILURE' : 'SUCCESSFUL',
        started_at: new Date(endMs - seconds * 1000).toISOString(),
        ended_at: new Date(endMs).toISOString(),
      };
    });
    return ledgerFromRuns(runs, nowMs, { history_at: nowMs, gap_from: null });
  });
}

function connection(i: number, nowMs: number): Connection {
  const id = `conn_${String(i).padStart(5, '0')}`;
  const at = new Date(nowMs - (i % 720) * 60_000).toISOString();
  const base = unknownConnection(id, at);
  // ~8% failing, ~5% delayed, ~7% paused, the rest healthy.
  const roll = (i * 7919) % 100;
  const failing = roll < 8;
  const next: Connection = {
    ...base,
    group_id: `group_${i % GROUPS}`,
    service: ['postgres', 'salesforce', 'hubspot', 'stripe', 'google_sheets'][i % 5] as string,
    schema: `${id}_schema`,
    paused: roll >= 13 && roll < 20,
    status: {
      ...base.status,
      setup_state: 'connected',
      sync_state: 'scheduled',
      update_state: roll >= 8 && roll < 13 ? 'delayed' : 'on_schedule',
    },
    sync_frequency: 60,
    succeeded_at: failing ? null : at,
    failed_at: failing ? at : null,
    last_sync: {
      sync_id: null,
      status: failing ? 'FAILURE' : 'SUCCESSFUL',
      started_at: null,
      ended_at: at,
      reason: failing ? 'Connection reset by peer' : null,
      source: 'api',
    },
    last_completed_sync: {
      sync_id: null,
      status: failing ? 'FAILURE' : 'SUCCESSFUL',
      started_at: null,
      ended_at: at,
      reason: failing ? 'Connection reset by peer' : null,
      source: 'api',
    },
  };
  return { ...next, health: computeHealth(next) };
}

async function batchWrite(table: TableRef, items: Record<string, unknown>[]): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < chunks.length) {
        let pending = (chunks[next++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) {
          const result = await table.client.send(
            new BatchWriteCommand({ RequestItems: { [table.tableName]: pending } }),
          );
          pending = (result.UnprocessedItems?.[table.tableName] ?? []) as typeof pending;
        }
      }
    }),
  );
}

async function measure(
  url: string,
  samples = SAMPLES,
): Promise<{ median: number; p99: number; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < 5; i++) await (await fetch(url)).arrayBuffer(); // warm-up
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    const response = await fetch(url);
    const body = await response.arrayBuffer();
    latencies.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    bytes = body.byteLength;
  }
  const { median, p99 } = summarise(latencies);
  return { median, p99, bytes };
}

export default async function run(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-bench-read-'));
  const server = await startLocalServer(loadLocalConfig({ PORT: '0', DATA_DIR: dataDir }), { log: () => {} });
  try {
    const nowMs = Date.now();
    const seeding = performance.now();
    const shapes = ledgers(nowMs);
    const connections = Array.from({ length: CONNECTIONS }, (_, i) => ({
      ...connection(i, nowMs),
      sync_ledger: shapes[i % LEDGER_SHAPES] as SyncLedger,
    }));
    // What the sweep does at its end: the account's 7-day figures summed from every roll-up.
    const summing = performance.now();
    const accountStats = sumAccountSyncStats(connections, nowMs);
    const summedMs = performance.now() - summing;
    await server.repositories.accountSyncStats.put(accountStats);
    await batchWrite(
      server.table,
      connections.map((c) => ({ ...connectionItem(c), ...connectionKey(c.id), version: 1 })),
    );
    await batchWrite(
      server.table,
      Array.from({ length: GROUPS }, (_, g) => ({
        ...groupItem({
          id: `group_${g}`,
          name: `Destination ${g}`,
          created_at: null,
          destination: {
            id: `group_${g}`,
            service: 'snowflake',
            region: 'AWS_US_EAST_1',
            setup_status: 'CONNECTED',
            time_zone_offset: '0',
          },
          updated_at: new Date(nowMs).toISOString(),
          schema_version: 1,
        }),
      })),
    );
    await batchWrite(
      server.table,
      Array.from({ length: EVENTS }, (_, e) => {
        const id = `bench-event-${e}`;
        const createdMs = nowMs - e * 1000;
        const body = JSON.stringify({
          event: 'sync_end',
          created: new Date(createdMs).toISOString(),
          connector_id: `conn_${String(e % CONNECTIONS).padStart(5, '0')}`,
          data: { status: 'SUCCESSFUL' },
        });
        const stored = {
          id,
          event: 'sync_end',
          created: new Date(createdMs).toISOString(),
          received_at: new Date(createdMs).toISOString(),
          connection_id: `conn_${String(e % CONNECTIONS).padStart(5, '0')}`,
          group_id: null,
          service: null,
          sync_id: null,
          body,
        };
        return eventItem(
          stored,
          { sortMs: createdMs, connectionId: stored.connection_id },
          Math.floor(nowMs / 1000) + 86_400,
        );
      }),
    );
    const seeded = (performance.now() - seeding) / 1000;
    const failing = connections.filter((c) => c.health === 'failing').length;

    const failingDefault = await measure(`${server.url}/api/connections?health=failing`);
    const failingLarge = await measure(`${server.url}/api/connections?health=failing&limit=1000`);
    const summary = await measure(`${server.url}/api/summary`);
    const allFirstPage = await measure(`${server.url}/api/connections?limit=1000`, 10);
    const detail = await measure(`${server.url}/api/connections/conn_00042`);
    // The same summary from an app that counts on every request (what the 5 s count cache saves).
    const counting = await startHttpServer({
      app: createHttpApp({ repositories: server.repositories, countsMaxAgeMs: 0 }),
      host: '127.0.0.1',
      port: 0,
    });
    const summaryCold = await measure(`${counting.url}/api/summary`, 10);
    await counting.close();

    console.log(
      `${CONNECTIONS} connections (${failing} failing) in ${GROUPS} groups, ${EVENTS} raw events; seeded in ${seeded.toFixed(1)} s; dynalite on disk; node ${process.version}`,
    );
    const line = (name: string, m: { median: number; p99: number; bytes: number }) =>
      console.log(
        `  ${name.padEnd(52)} median ${m.median.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, ${(m.bytes / 1024).toFixed(0)} KiB`,
      );
    line('GET /api/connections?health=failing (100)', failingDefault);
    line('GET /api/connections?health=failing&limit=1000', failingLarge);
    line('GET /api/summary', summary);
    line('GET /api/summary, counting every time (no cache)', summaryCold);
    line('GET /api/connections?limit=1000 (first page of all)', allFirstPage);
    line('GET /api/connections/{id} (with sync_stats)', detail);
    console.log(
      `  sync stats: ${accountStats.runs} runs over 7 days in the summary; summed by the sweep from ` +
        `${CONNECTIONS} roll-ups in ${summedMs.toFixed(0)} ms`,
    );

    if (!existsSync(CHROMIUM)) {
      console.log(`  dashboard: skipped (no Chromium at ${CHROMIUM})`);
      return;
    }
    const profile = mkdtempSync(join(tmpdir(), 'fivetran-metadata-bench-chromium-'));
    const browser = await launchChromium(profile, { width: 1400, height: 1000 });
    try {
      const page = await browser.newPage();
      const firstRow: number[] = [];
      const everything: number[] = [];
      for (let i = 0; i <= PAGE_LOADS; i++) {
        const started = performance.now();
        await page.goto(server.url, { waitUntil: 'commit' });
        await page.locator('#rows tr').first().waitFor({ state: 'visible' });
        const shown = performance.now() - started;
        await page
          .locator('#page-info', { hasText: new RegExp(`of ${CONNECTIONS}$`) })
          .waitFor({ timeout: 60_000 });
        const complete = performance.now() - started;
        // The first load warms the server and the browser.
        if (i > 0) {
          firstRow.push(shown);
          everything.push(complete);
        }
      }
      const first = summarise(firstRow);
      const all = summarise(everything);
      console.log(
        `  dashboard: navigation → first row visible        median ${first.median.toFixed(0)} ms (max ${Math.max(...firstRow).toFixed(0)} ms)`,
      );
      console.log(
        `  dashboard: navigation → all ${CONNECTIONS} connections loaded median ${all.median.toFixed(0)} ms`,
      );
      console.log(`  goals: API ≤ 100 ms, first row ≤ 1000 ms`);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
