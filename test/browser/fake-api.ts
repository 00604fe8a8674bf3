import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dashboardPage } from '../../functions/dashboard/dashboard-page.ts';
import { connectionItem, detailOf, eventsOf, GROUPS, type Json, SPECS, syncRuns } from './fixtures.ts';
import { schemaChangesOf, tablesMatching, transformations } from './lineage-fixtures.ts';
import { summaryOf } from './summary-fixtures.ts';

/**
 * What the fake API answers; tests change it between steps. It serves the real page (with its real CSP)
 * and fixture JSON on the same paths as the server, for states and fields the real server cannot produce yet.
 */
export interface FakeAccount {
  now: number;
  connections: Json[];
  groups: Json[];
  summary: Json;
  sweeps: Json[];
  /** The routes this round adds (syncs, tables, schema changes); false answers 404 as today's server. */
  newRoutes: boolean;
  /** Sync runs by connection id, instead of the default (sf_prod's 24, none for the others). */
  syncs: Record<string, Json[]> | null;
  /** The server is unreachable: /api/* requests have their connection cut. */
  down: boolean;
  /** Bearer token required on /api/* (401 with `www-authenticate: Bearer` otherwise). */
  token: string | null;
  /** While set, /api/* answers wait for it (the loading state). */
  hold: Promise<void> | null;
  /** POST /api/sweeps; null answers 405 like a read-only server. */
  onSweep: (() => { status: number; body: Json }) | null;
}

export interface FakeApi {
  readonly url: string;
  account: FakeAccount;
  /** Method and path of every request, in order. */
  readonly requests: string[];
  /** Back to the full account with every new field. */
  reset(fields?: Partial<FakeAccount>): void;
  close(): Promise<void>;
}

export function fullAccount(now = Date.now()): FakeAccount {
  const connections = SPECS.map((spec) => connectionItem(spec, now));
  return {
    now,
    connections,
    groups: GROUPS,
    summary: summaryOf(connections, now),
    sweeps: [],
    newRoutes: true,
    syncs: null,
    down: false,
    token: null,
    hold: null,
    onSweep: null,
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function list(items: Json[]): Json {
  return { items, next_cursor: null };
}

function answer(
  account: FakeAccount,
  method: string,
  path: string,
  query: URLSearchParams,
  res: ServerResponse,
) {
  const { now } = account;
  const missing = () => send(res, 404, { message: `no route for ${method} ${path}` });
  if (method === 'POST' && path === '/api/sweeps') {
    if (!account.onSweep) return send(res, 405, { message: 'this server cannot start sweeps' });
    const started = account.onSweep();
    return send(res, started.status, started.body);
  }
  if (method !== 'GET') return send(res, 405, { message: `${method} is not allowed here` });
  if (path === '/api/summary') return send(res, 200, account.summary);
  if (path === '/api/connections') return send(res, 200, list(account.connections));
  if (path === '/api/groups') return send(res, 200, list(account.groups));
  if (path === '/api/sweeps') return send(res, 200, list(account.sweeps));
  if (path === '/api/tables') {
    if (!account.newRoutes) return missing();
    return send(res, 200, list(tablesMatching(query, now)));
  }
  if (path === '/api/transformations') {
    if (!account.newRoutes) return missing();
    return send(res, 200, list(transformations(now)));
  }
  const match = /^\/api\/connections\/([^/]+)(\/[a-z-]+)?$/.exec(path);
  if (!match) return missing();
  const id = decodeURIComponent(match[1] ?? '');
  const connection = account.connections.find((c) => c.id === id);
  const tail = match[2] ?? '';
  if (!connection) return send(res, 404, { message: `connection ${id} not found` });
  if (tail === '') return send(res, 200, detailOf(connection, now));
  if (tail === '/events') return send(res, 200, list(eventsOf(id, now)));
  if (!account.newRoutes) return missing();
  if (tail === '/syncs') {
    const runs = account.syncs?.[id] ?? (id === 'sf_prod' ? syncRuns(now) : []);
    return send(res, 200, list(runs));
  }
  if (tail === '/schema-changes') return send(res, 200, list(schemaChangesOf(id, now)));
  return missing();
}

async function handle(api: FakeApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake');
  const method = req.method ?? 'GET';
  api.requests.push(`${method} ${url.pathname}`);
  const { account } = api;
  if (url.pathname === '/' && method === 'GET') {
    const page = dashboardPage();
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': page.contentSecurityPolicy,
      'x-content-type-options': 'nosniff',
    });
    res.end(page.html);
    return;
  }
  if (!url.pathname.startsWith('/api/')) return send(res, 404, { message: 'not found' });
  if (account.down) {
    req.socket.destroy();
    return;
  }
  if (account.hold) await account.hold;
  if (account.token !== null && req.headers.authorization !== `Bearer ${account.token}`) {
    return send(res, 401, { message: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
  }
  answer(account, method, url.pathname, url.searchParams, res);
}

export async function startFakeApi(): Promise<FakeApi> {
  const requests: string[] = [];
  const api: FakeApi = {
    url: '',
    account: fullAccount(),
    requests,
    reset(fields = {}) {
      api.account = { ...fullAccount(), ...fields };
      requests.length = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    handle(api, req, res).catch(() => send(res, 500, { message: 'internal error' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(api, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  api.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}
