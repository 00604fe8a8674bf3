import { createServer } from 'node:http';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { fanOutHealthNotifier } from '#commons/alerts/fan-out-notifier';
import { healthChangeLog } from '#commons/alerts/health-change-log';
import { type HttpServer, startHttpServer } from '#commons/api/node-http-server';
import { createRouter, type RouterOptions } from '#commons/api/router';
import { type Connection, unknownConnection } from '#commons/connection/connection';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import type { RunMode } from '#commons/queries/summary';
import { type GroupRecord, groupItem } from '#commons/store/group-items';
import type { HealthChange } from '#commons/store/health-notifier';
import { createStore, type Store } from '#commons/store/store';
import type { SweepRecord } from '#commons/store/sweep-items';
import { putSweepRecord } from '#commons/store/sweep-records';
import type { TableRef } from '#commons/store/table-ref';
import type { SweepControl } from '#commons/sweep/sweep-control';
import { signBody } from '#commons/webhook/signature';
import { staticSecretSource } from '#commons/webhook-secret/secret-source';

export const SECRET = 'read-fixture-secret';

export interface ReadFixture {
  readonly dynamo: LocalDynamo;
  readonly table: TableRef;
  readonly store: Store;
  readonly server: HttpServer;
  readonly url: string;
  /** Every health change the store notified (besides the recent-changes log the summary reads). */
  readonly changes: HealthChange[];
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  post(path: string, body?: string, headers?: Record<string, string>): Promise<Answer>;
  /** A webhook delivery signed with SECRET. */
  deliver(payload: Record<string, unknown>): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field.
  readonly body: any;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: response.status, headers: response.headers, text, body };
}

export interface ReadFixtureOptions {
  readonly sweeps?: SweepControl | null;
  readonly mode?: RunMode | null;
  readonly apiToken?: string | null;
  readonly dashboard?: boolean;
  readonly now?: () => number;
  readonly routerOptions?: Partial<RouterOptions>;
}

/**
 * The read side end to end: dynalite in memory, the real store (notifying the recent-changes log), the shared
 * router with every option, and the node:http adapter on 127.0.0.1, port 0.
 */
export async function startReadFixture(options: ReadFixtureOptions = {}): Promise<ReadFixture> {
  const dynamo = await startLocalDynamo();
  const table: TableRef = { client: dynamo.documentClient, tableName: dynamo.tableName };
  const changes: HealthChange[] = [];
  const store = createStore({
    ...table,
    retentionDays: 90,
    ...(options.now ? { now: options.now } : {}),
    notifier: fanOutHealthNotifier([
      healthChangeLog(table),
      { onHealthChange: (change) => void changes.push(change) },
    ]),
  });
  const router = createRouter({
    store,
    table,
    apiToken: options.apiToken ?? null,
    webhook: { store, secrets: staticSecretSource([SECRET]) },
    healthz: true,
    dashboard: options.dashboard ?? true,
    mode: options.mode === undefined ? 'demo' : options.mode,
    sweeps: options.sweeps ?? null,
    // Fresh counts on every summary, so tests see their own writes; the cache has its own test.
    countsMaxAgeMs: 0,
    ...(options.now ? { now: options.now } : {}),
    ...options.routerOptions,
  });
  const server = await startHttpServer({ router, host: '127.0.0.1', port: 0 });
  const { url } = server;
  return {
    dynamo,
    table,
    store,
    server,
    url,
    changes,
    get: async (path, headers = {}) => answer(await fetch(`${url}${path}`, { headers })),
    post: async (path, body = '', headers = {}) =>
      answer(await fetch(`${url}${path}`, { method: 'POST', body, headers })),
    deliver: async (payload) => {
      const body = JSON.stringify(payload);
      return answer(
        await fetch(`${url}/webhooks/fivetran`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'X-Fivetran-Signature-256': signBody(body, SECRET) },
        }),
      );
    },
    close: async () => {
      await server.close();
      await dynamo.close();
    },
  };
}

/** A connection in the stored shape with the given health drivers (health itself is computed on save). */
export function connection(
  id: string,
  fields: {
    group?: string;
    service?: string;
    health?: 'failing' | 'delayed' | 'paused' | 'healthy';
    deleted?: boolean;
    at?: string;
  } = {},
): Connection {
  const at = fields.at ?? '2026-06-01T00:00:00.000Z';
  const base = unknownConnection(id, at);
  const health = fields.health ?? 'healthy';
  return {
    ...base,
    group_id: fields.group ?? 'group_a',
    service: fields.service ?? 'postgres',
    schema: `${id}_schema`,
    paused: health === 'paused',
    status: {
      ...base.status,
      setup_state: 'connected',
      update_state: health === 'delayed' ? 'delayed' : 'on_schedule',
    },
    last_completed_sync: {
      sync_id: null,
      status: health === 'failing' ? 'FAILURE' : 'SUCCESSFUL',
      started_at: null,
      ended_at: at,
      reason: health === 'failing' ? 'Connection reset by peer' : null,
      source: 'api',
    },
    deleted_at: fields.deleted ? at : null,
  };
}

export async function saveConnections(store: Store, connections: readonly Connection[]): Promise<void> {
  for (const c of connections) await store.saveConnection(c.id, () => c);
}

export async function putGroup(table: TableRef, group: Partial<GroupRecord> & { id: string }): Promise<void> {
  const record: GroupRecord = {
    name: `${group.id} name`,
    created_at: '2025-01-01T00:00:00.000Z',
    destination: null,
    updated_at: '2026-06-01T00:00:00.000Z',
    schema_version: 1,
    ...group,
  };
  await table.client.send(new PutCommand({ TableName: table.tableName, Item: groupItem(record) }));
}

export function sweepRecord(id: string, startedAt: string, fields: Partial<SweepRecord> = {}): SweepRecord {
  return {
    id,
    started_at: startedAt,
    finished_at: new Date(Date.parse(startedAt) + 60_000).toISOString(),
    outcome: 'succeeded',
    requests: { total: 12, by_status: { '200': 12 } },
    connections_seen: 10,
    connections_written: 2,
    connections_deleted: 0,
    schema_fetches: 3,
    items_written: 5,
    webhook_active: true,
    error: null,
    ...fields,
  };
}

export async function putSweep(table: TableRef, record: SweepRecord): Promise<void> {
  await putSweepRecord(table, record);
}

/** Pages through a list route; returns every item and the number of pages. */
export async function listAll(fx: ReadFixture, path: string, limit: number) {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await fx.get(
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`${path}: ${page.status} ${page.text}`);
    items.push(...page.body.items);
    cursor = page.body.next_cursor;
    pages++;
  } while (cursor !== null && pages < 1000);
  return { items, pages };
}

/** An in-process CLI run's io with captured output. */
export function capture(env: Record<string, string | undefined>) {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      env,
      stdout: (text: string) => {
        stdout += text;
      },
      stderr: (text: string) => {
        stderr += text;
      },
      sleep: async () => {},
    },
    out: () => stdout,
    err: () => stderr,
  };
}

/**
 * A loopback port nothing listens on right now, for a process that must know its port before it binds (a
 * webhook URL registered first). Picked below the usual ephemeral range (32768+), so another test's
 * `listen(0)` cannot take it in between.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
}
