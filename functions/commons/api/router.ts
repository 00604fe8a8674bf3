import { createHash, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { dashboardPage } from '../../dashboard/dashboard-page.ts';
import { connectionView } from '../connection/connection.ts';
import { syncRunView } from '../connection/sync-run.ts';
import { listGroups } from '../queries/groups.ts';
import { cachedHealthCounts } from '../queries/health-counts.ts';
import { type RunMode, readSummary } from '../queries/summary.ts';
import { listSweeps } from '../queries/sweeps.ts';
import { CursorError } from '../store/cursor.ts';
import { eventView } from '../store/items.ts';
import type { Page } from '../store/query-page.ts';
import { getConnectionSchema } from '../store/schema-items.ts';
import type { Store } from '../store/store.ts';
import type { TableRef } from '../store/table-ref.ts';
import type { SweepControl } from '../sweep/sweep-control.ts';
import { findHeader } from '../webhook/signature.ts';
import { type ApiRequest, type ApiResponse, error, json } from './http-types.ts';
import { openApiDocument } from './openapi.ts';
import { connectionsQuery, describeIssue, eventsQuery, pageQuery } from './query-params.ts';
import { receiveWebhook, type WebhookAnswer, type WebhookReceiver } from './receive-webhook.ts';
import { ROUTE_SPECS, type RouteSpec, routeKey } from './route-specs.ts';

export const WEBHOOK_PATH = '/webhooks/fivetran';

export const SWEEPS_UNAVAILABLE = 'this server cannot start sweeps';
export const DEFAULT_COUNTS_MAX_AGE_MS = 5_000;

export interface RouterOptions {
  readonly store: Store;
  /** The table the read queries use (groups, summary, sweeps): the one `store` writes. */
  readonly table: TableRef;
  /** Bearer token required on `/api/*` (local mode); null where the front door authorizes (IAM). */
  readonly apiToken?: string | null;
  /** Serves `POST /webhooks/fivetran` when given. */
  readonly webhook?: WebhookReceiver | null;
  /** Serves `GET /healthz` (local only). */
  readonly healthz?: boolean;
  /** Serves the dashboard at `GET /` (the local server and `serve` only; never the api Lambda). */
  readonly dashboard?: boolean;
  /** Reported by `GET /api/summary`: `demo` (simulated account), `live` (local, real account), `deployed`. */
  readonly mode?: RunMode | null;
  /** Starts a sweep for `POST /api/sweeps`; without it that route answers 405 with `sweepsUnavailable`. */
  readonly sweeps?: SweepControl | null;
  /** Why sweeps cannot be started here, for the 405 (e.g. "serve is read-only; …"). */
  readonly sweepsUnavailable?: string;
  /** How long `GET /api/summary` reuses its health counts (default 5 s; 0 counts on every request). */
  readonly countsMaxAgeMs?: number;
  readonly now?: () => number;
  /** Told about every webhook answer (metrics, logs). */
  readonly onWebhookAnswer?: (answer: WebhookAnswer) => void;
  /** Told about unexpected failures behind a 5xx. */
  readonly onError?: (error: unknown, request: ApiRequest) => void;
}

export type Router = (request: ApiRequest) => Promise<ApiResponse>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parse<T extends z.ZodType>(schema: T, query: ApiRequest['query']): z.output<T> {
  const result = schema.safeParse(query);
  if (!result.success) throw new HttpError(400, describeIssue(result.error));
  return result.data;
}

function listing<T>(page: Page<T>, view: (item: T) => unknown): ApiResponse {
  return json(200, { items: page.items.map(view), next_cursor: page.nextCursor });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function authorized(request: ApiRequest, token: string): boolean {
  const header = findHeader(request.headers, 'authorization');
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  // Digests have equal length, so the comparison is constant-time whatever was sent.
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
}

/** Errors from the AWS SDK or the network: the store did not answer. */
function isStoreUnavailable(failure: unknown): boolean {
  const candidate = failure as { $metadata?: unknown; code?: unknown; name?: unknown } | null;
  if (candidate?.$metadata !== undefined) return true;
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(String(candidate?.code)) ||
    candidate?.name === 'StoreConflictError'
  );
}

type Handler = (request: ApiRequest, params: readonly string[]) => Promise<ApiResponse>;

interface Route {
  readonly spec: RouteSpec;
  readonly pattern: RegExp;
  readonly handler: Handler;
}

/** `/api/connections/{id}` → `^/api/connections/([^/]+)$`. */
function pathPattern(template: string): RegExp {
  const source = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('([^/]+)');
  return new RegExp(`^${source}$`);
}

/**
 * The shared router: the local server, `serve` and the api Lambda hand it plain requests and send back what
 * it returns. It serves exactly the routes of `ROUTE_SPECS` that its options enable. Lists are
 * `{ items, next_cursor }`; errors are `{ message }` with the status.
 */
export function createRouter(options: RouterOptions): Router {
  const { store, table } = options;
  const apiToken = options.apiToken ?? null;
  const now = options.now ?? Date.now;
  const counts = cachedHealthCounts(table, {
    maxAgeMs: options.countsMaxAgeMs ?? DEFAULT_COUNTS_MAX_AGE_MS,
    now,
  });

  async function connection(id: string) {
    const found = await store.getConnection(id);
    if (found === null) throw new HttpError(404, `no connection ${id}`);
    return found;
  }

  const handlers: Record<string, Handler | null> = {
    'GET /api/connections': async (request) => {
      const { limit, cursor, ...filters } = parse(connectionsQuery, request.query);
      return listing(await store.listConnections(filters, { limit, cursor: cursor ?? null }), connectionView);
    },
    'GET /api/connections/{id}': async (_request, [id = '']) => {
      const found = await connection(id);
      const [syncs, schema] = await Promise.all([
        store.listSyncRuns(found.id, 20),
        getConnectionSchema(table, found.id),
      ]);
      return json(200, {
        ...connectionView(found),
        config: found.config,
        schema_selection: schema && {
          state: schema.state,
          fetched_at: schema.fetched_at,
          summary: schema.summary,
        },
        syncs: syncs.map(syncRunView),
      });
    },
    'GET /api/connections/{id}/events': async (request, [id = '']) => {
      const { limit, cursor } = parse(pageQuery, request.query);
      await connection(id);
      return listing(await store.listConnectionEvents(id, { limit, cursor: cursor ?? null }), eventView);
    },
    'GET /api/events': async (request) => {
      const { limit, cursor, ...filters } = parse(eventsQuery, request.query);
      return listing(await store.listEvents(filters, { limit, cursor: cursor ?? null }), eventView);
    },
    'GET /api/groups': async (request) => {
      const { limit, cursor } = parse(pageQuery, request.query);
      return listing(await listGroups(table, { limit, cursor: cursor ?? null }), (group) => group);
    },
    'GET /api/summary': async () =>
      json(200, await readSummary({ table, store, counts, mode: options.mode ?? null, now })),
    'GET /api/sweeps': async (request) => {
      const { limit, cursor } = parse(pageQuery, request.query);
      return listing(await listSweeps(table, { limit, cursor: cursor ?? null }, now), (sweep) => sweep);
    },
    'POST /api/sweeps': async () => {
      // 405, not 501: the caller asked this server for something it does not offer; nothing failed here.
      if (!options.sweeps) throw new HttpError(405, options.sweepsUnavailable ?? SWEEPS_UNAVAILABLE);
      const started = await options.sweeps.start();
      return started.status === 'started'
        ? json(202, { id: started.id })
        : json(409, { message: `sweep ${started.id} is running; one sweep at a time`, id: started.id });
    },
    'GET /api/openapi.json': async () => json(200, openApiDocument()),
    'POST /webhooks/fivetran': options.webhook
      ? async (request) => {
          const answer = await receiveWebhook(options.webhook as WebhookReceiver, {
            body: request.body,
            headers: request.headers,
          });
          options.onWebhookAnswer?.(answer);
          return json(answer.status, answer.body);
        }
      : null,
    'GET /healthz': options.healthz
      ? async () => {
          await store.ping();
          return json(200, { status: 'ok' });
        }
      : null,
    'GET /': options.dashboard
      ? async () => {
          const page = dashboardPage();
          return {
            status: 200,
            headers: {
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-store',
              'content-security-policy': page.contentSecurityPolicy,
              'x-content-type-options': 'nosniff',
              'x-frame-options': 'DENY',
              'referrer-policy': 'no-referrer',
            },
            body: page.html,
          };
        }
      : null,
  };

  const routes: Route[] = [];
  for (const spec of ROUTE_SPECS) {
    const handler = handlers[routeKey(spec)];
    if (handler === undefined) throw new Error(`route ${routeKey(spec)} has no handler`);
    if (handler !== null) routes.push({ spec, pattern: pathPattern(spec.path), handler });
  }

  return async (request) => {
    const path = request.path.length > 1 ? request.path.replace(/\/$/, '') : request.path;
    const method = request.method.toUpperCase();
    try {
      if (
        apiToken !== null &&
        (path === '/api' || path.startsWith('/api/')) &&
        !authorized(request, apiToken)
      ) {
        return error(401, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer' });
      }
      const matching = routes
        .map((route) => ({ route, match: route.pattern.exec(path) }))
        .filter(
          (candidate): candidate is { route: Route; match: RegExpExecArray } => candidate.match !== null,
        );
      if (matching.length === 0) return error(404, `no route for ${request.method} ${path}`);
      const found = matching.find(({ route }) => route.spec.method === method);
      if (!found) {
        return error(405, `${request.method} is not allowed here`, {
          allow: matching.map(({ route }) => route.spec.method).join(', '),
        });
      }
      let params: string[];
      try {
        params = found.match.slice(1).map((part) => decodeURIComponent(part));
      } catch {
        throw new HttpError(400, 'malformed path');
      }
      return await found.route.handler(request, params);
    } catch (failure) {
      if (failure instanceof HttpError) return error(failure.status, failure.message);
      if (failure instanceof CursorError) return error(400, failure.message);
      options.onError?.(failure, request);
      if (isStoreUnavailable(failure)) return error(503, 'the store is not answering; retry later');
      return error(500, 'internal error');
    }
  };
}
