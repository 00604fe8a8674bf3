import { createHash, timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { cachedHealthCounts } from '../read/health-counts.ts';
import type { RunMode } from '../read/summary.ts';
import type { Repositories } from '../store/repositories.ts';
import { CursorError } from '../store/table/cursor.ts';
import { isStoreUnavailable } from '../store/table/errors.ts';
import type { SweepControl } from '../sweep/sweep-control.ts';
import type { WebhookAnswer, WebhookReceiver } from '../webhook/receive-webhook.ts';
import { type BrowserGuardOptions, browserGuard } from './browser-guard.ts';
import { HttpError, type Reply, type RouteHandler, type RouteRequest } from './reply.ts';
import { ROUTES, type RouteName, type RouteSpec } from './route-specs.ts';
import { controlRoutes, type HtmlPage, SWEEPS_UNAVAILABLE } from './routes/control-routes.ts';
import { lineageRoutes } from './routes/lineage-routes.ts';
import { readRoutes } from './routes/read-routes.ts';
import { syncRoutes } from './routes/sync-routes.ts';

export const WEBHOOK_PATH = ROUTES.receiveWebhook.path;
export const DEFAULT_COUNTS_MAX_AGE_MS = 5_000;
/** The local server's least time between two manual sweep starts. */
export const MANUAL_SWEEP_COOLDOWN_MS = 30_000;

export interface HttpAppOptions {
  readonly repositories: Repositories;
  /** Bearer token required on `/api/*` (local mode); null where the front door authorizes (IAM). */
  readonly apiToken?: string | null;
  /** Serves `POST /webhooks/fivetran` when given (the local server; the webhook Lambda has no app). */
  readonly webhook?: WebhookReceiver | null;
  /** Serves `GET /healthz` (local only). */
  readonly healthz?: boolean;
  /** Why the store cannot write right now (local disk full, read-only), or null: `/healthz` answers 503 then. */
  readonly storageFault?: () => Promise<string | null>;
  /** Served at `GET /` (the dashboard, handed in by the local server and `serve`; never the api Lambda). */
  readonly dashboard?: HtmlPage | null;
  /** Reported by `GET /api/summary`: `demo` (simulated account), `live` (local, real account), `deployed`. */
  readonly mode?: RunMode | null;
  /** Starts a sweep for `POST /api/sweeps`; without it that route answers 405 with `sweepsUnavailable`. */
  readonly sweeps?: SweepControl | null;
  readonly sweepsUnavailable?: string;
  /** How long `GET /api/summary` reuses its health counts (default 5 s; 0 counts on every request). */
  readonly countsMaxAgeMs?: number;
  readonly now?: () => number;
  /** Told about every webhook answer (metrics, logs). */
  readonly onWebhookAnswer?: (answer: WebhookAnswer) => void;
  /**
   * The local shells' guard against web pages (DNS rebinding, cross-site POSTs; see `browser-guard.ts`):
   * `421` for a foreign `Host`, `403` for a cross-site state change. Off (null) on the api Lambda (IAM).
   */
  readonly browserGuard?: BrowserGuardOptions | null;
  /** Least time between two manual sweep starts (`POST /api/sweeps` answers 429 in between); 0 = none. */
  readonly manualSweepCooldownMs?: number;
  /** Told about unexpected failures behind a 5xx. */
  readonly onError?: (error: unknown, request: { readonly method: string; readonly path: string }) => void;
}

const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

function json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

function answer(spec: RouteSpec, reply: Reply<RouteSpec>): Response {
  const status = reply.status as number;
  const response = spec.responses[status];
  if (response && response.schema === null) {
    return new Response(String(reply.body), {
      status,
      headers: { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...reply.headers },
    });
  }
  return json(status, reply.body, reply.headers);
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function authorized(header: string | undefined, token: string): boolean {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  // Digests have equal length, so the comparison is constant-time whatever was sent.
  return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), digest(token));
}

/** `/api/connections/{id}` → Hono's `/api/connections/:id`; and as a pattern for the 404/405 decision. */
const honoPath = (template: string) => template.replace(/\{([^}]+)\}/g, ':$1');
const pathPattern = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);

async function routeRequest(c: Context): Promise<RouteRequest> {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    params: c.req.param() as Record<string, string>,
    query: c.req.query(),
    headers,
    body: async () => new Uint8Array(await c.req.arrayBuffer()),
  };
}

/**
 * The one HTTP app: every route of `ROUTES` its options enable, bearer auth on `/api/*` when a token is set,
 * `{ message }` errors (400 bad filters and cursors, 404, 405 with `Allow`, 503 when the store does not
 * answer). The api Lambda serves it through `hono/aws-lambda`, the local server and `serve` through
 * `@hono/node-server`, and the CLI calls it in-process with `app.request()`.
 */
export function createHttpApp(options: HttpAppOptions): Hono {
  const now = options.now ?? Date.now;
  const apiToken = options.apiToken ?? null;
  const counts = cachedHealthCounts(options.repositories.connections, {
    maxAgeMs: options.countsMaxAgeMs ?? DEFAULT_COUNTS_MAX_AGE_MS,
    now,
  });
  const handlers: Record<RouteName, RouteHandler<RouteSpec> | null> = {
    ...readRoutes({ repositories: options.repositories, counts, mode: options.mode ?? null, now }),
    ...lineageRoutes({ repositories: options.repositories }),
    ...syncRoutes({ repositories: options.repositories }),
    ...controlRoutes({
      accountStats: options.repositories.accountStats,
      sweepRecords: options.repositories.sweeps,
      sweeps: options.sweeps ?? null,
      sweepsUnavailable: options.sweepsUnavailable ?? SWEEPS_UNAVAILABLE,
      webhook: options.webhook ?? null,
      ...(options.onWebhookAnswer ? { onWebhookAnswer: options.onWebhookAnswer } : {}),
      healthz: options.healthz ?? false,
      ...(options.storageFault ? { storageFault: options.storageFault } : {}),
      manualSweepCooldownMs: options.manualSweepCooldownMs ?? 0,
      now,
      dashboard: options.dashboard ?? null,
    }),
  } as unknown as Record<RouteName, RouteHandler<RouteSpec> | null>;
  const served = (Object.keys(ROUTES) as RouteName[])
    .filter((name) => handlers[name] !== null)
    .map((name) => ({ spec: ROUTES[name] as RouteSpec, pattern: pathPattern(ROUTES[name].path) }));

  const app = new Hono({ strict: false });

  app.use('*', async (c, next) => {
    try {
      decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      return json(400, { message: 'malformed path' });
    }
    await next();
  });

  if (options.browserGuard) {
    const guard = browserGuard(options.browserGuard);
    app.use('*', async (c, next) => {
      // In-process calls (`app.request('/api/…')`) carry no Host header: their URL's host stands for it.
      const header = (name: string) =>
        c.req.header(name) ?? (name === 'host' ? new URL(c.req.url).host : undefined);
      const verdict = guard(c.req.method, header);
      if (!verdict.ok) return json(verdict.status, { message: verdict.message });
      await next();
    });
  }

  if (apiToken !== null) {
    const requireToken = async (c: Context, next: () => Promise<void>) => {
      if (!authorized(c.req.header('authorization'), apiToken)) {
        return json(401, { message: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
      }
      await next();
    };
    app.use('/api', requireToken);
    app.use('/api/*', requireToken);
  }

  for (const name of Object.keys(ROUTES) as RouteName[]) {
    const handler = handlers[name];
    if (handler === null) continue;
    const spec = ROUTES[name] as RouteSpec;
    app.on(spec.method, honoPath(spec.path), async (c) => answer(spec, await handler(await routeRequest(c))));
  }

  app.notFound((c) => {
    const path = c.req.path.length > 1 ? c.req.path.replace(/\/$/, '') : c.req.path;
    const allowed = served.filter(({ pattern }) => pattern.test(path)).map(({ spec }) => spec.method);
    if (allowed.length === 0) return json(404, { message: `no route for ${c.req.method} ${path}` });
    return json(405, { message: `${c.req.method} is not allowed here` }, { allow: allowed.join(', ') });
  });

  app.onError((failure, c) => {
    if (failure instanceof HttpError) return json(failure.status, { message: failure.message });
    if (failure instanceof CursorError) return json(400, { message: failure.message });
    options.onError?.(failure, { method: c.req.method, path: c.req.path });
    if (isStoreUnavailable(failure)) return json(503, { message: 'the store is not answering; retry later' });
    return json(500, { message: 'internal error' });
  });

  return app;
}
