import { createServer } from 'node:http';
import { fanOutHealthNotifier } from '#commons/alerts/fan-out-notifier';
import { healthChangeLog } from '#commons/alerts/health-change-log';
import { type Connection, unknownConnection } from '#commons/connection/connection';
import type { Health } from '#commons/connection/health';
import { createHttpApp, type HttpAppOptions } from '#commons/http/app';
import { type HttpServer, startHttpServer } from '#commons/http/node-server';
import type { ConnectionWriter } from '#commons/ingest/connection-writer';
import type { HealthChange } from '#commons/ingest/health-notifier';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import type { RunMode } from '#commons/read/summary';
import type { GroupRecord, GroupRepository } from '#commons/store/repositories/groups';
import type { SweepRecord, SweepRepository } from '#commons/store/repositories/sweeps';
import type { TableRef } from '#commons/store/table/table-ref';
import type { SweepControl } from '#commons/sweep/sweep-control';
import { signBody } from '#commons/webhook/signature';
import { staticSecretSource } from '#commons/webhook-secret/secret-source';
import { dashboardPage } from '../../functions/dashboard/dashboard-page.ts';
import { type Core, openCore } from './core.ts';

export const SECRET = 'read-fixture-secret-0123456789abcdef0123';

export interface ReadFixture extends Core {
  readonly dynamo: LocalDynamo;
  readonly table: TableRef;
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
  readonly appOptions?: Partial<HttpAppOptions>;
}

/**
 * The read side end to end: dynalite in memory, the real store (notifying the recent-changes log), the shared
 * router with every option, and the node:http adapter on 127.0.0.1, port 0.
 */
export async function startReadFixture(options: ReadFixtureOptions = {}): Promise<ReadFixture> {
  const dynamo = await startLocalDynamo();
  const table: TableRef = { client: dynamo.documentClient, tableName: dynamo.tableName };
  const changes: HealthChange[] = [];
  let healthChanges: Core['repositories']['healthChanges'] | undefined;
  const core = openCore(table, {
    ...(options.now ? { now: options.now } : {}),
    notifier: fanOutHealthNotifier([
      { onHealthChange: (change) => healthChangeLog(healthChanges as never).onHealthChange(change) },
      { onHealthChange: (change) => void changes.push(change) },
    ]),
  });
  healthChanges = core.repositories.healthChanges;
  const app = createHttpApp({
    repositories: core.repositories,
    apiToken: options.apiToken ?? null,
    webhook: { recorder: core.recorder, secrets: staticSecretSource([SECRET]) },
    healthz: true,
    dashboard: (options.dashboard ?? true) ? dashboardPage() : null,
    mode: options.mode === undefined ? 'demo' : options.mode,
    sweeps: options.sweeps ?? null,
    // Fresh counts on every summary, so tests see their own writes; the cache has its own test.
    countsMaxAgeMs: 0,
    ...(options.now ? { now: options.now } : {}),
    ...options.appOptions,
  });
  const server = await startHttpServer({ app, host: '127.0.0.1', port: 0 });
  const { url } = server;
  return {
    dynamo,
    table,
    ...core,
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
    health?: Health;
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
    // A pending connection has not completed a sync yet.
    last_completed_sync:
      health === 'pending'
        ? null
        : {
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

export async function saveConnections(
  writer: ConnectionWriter,
  connections: readonly Connection[],
): Promise<void> {
  for (const c of connections) await writer.save(c.id, () => c);
}

export async function putGroup(
  groups: GroupRepository,
  group: Partial<GroupRecord> & { id: string },
): Promise<void> {
  const record: GroupRecord = {
    name: `${group.id} name`,
    created_at: '2025-01-01T00:00:00.000Z',
    destination: null,
    updated_at: '2026-06-01T00:00:00.000Z',
    schema_version: 1,
    ...group,
  };
  await groups.save(record, undefined, record.updated_at);
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
    connections_skipped: [],
    connections_skipped_total: 0,
    webhook_active: true,
    error: null,
    error_code: null,
    items_unreadable: [],
    items_unreadable_total: 0,
    history: null,
    request_budget: null,
    ...fields,
  };
}

export async function putSweep(sweeps: SweepRepository, record: SweepRecord): Promise<void> {
  await sweeps.put(record);
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
