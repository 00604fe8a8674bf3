import { createHash, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { connectionView } from '../connection/connection.ts';
import { syncRunView } from '../connection/sync-run.ts';
import { CursorError } from '../store/cursor.ts';
import { eventView } from '../store/items.ts';
import type { Page } from '../store/query-page.ts';
import type { Store } from '../store/store.ts';
import { findHeader } from '../webhook/signature.ts';
import { type ApiRequest, type ApiResponse, error, json } from './http-types.ts';
import { connectionsQuery, describeIssue, eventsQuery, pageQuery } from './query-params.ts';
import { receiveWebhook, type WebhookAnswer, type WebhookReceiver } from './receive-webhook.ts';

export const WEBHOOK_PATH = '/webhooks/fivetran';

export interface RouterOptions {
  readonly store: Store;
  /** Bearer token required on `/api/*` (local mode); null where the front door authorizes (IAM). */
  readonly apiToken?: string | null;
  /** Serves `POST /webhooks/fivetran` when given. */
  readonly webhook?: WebhookReceiver | null;
  /** Serves `GET /healthz` (local only). */
  readonly healthz?: boolean;
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
  readonly pattern: RegExp;
  readonly methods: Readonly<Record<string, Handler>>;
}

/**
 * The shared router: local server and api Lambda hand it plain requests and send back what it returns.
 * Lists are `{ items, next_cursor }`; errors are `{ message }` with the status.
 */
export function createRouter(options: RouterOptions): Router {
  const { store } = options;
  const apiToken = options.apiToken ?? null;

  async function connection(id: string) {
    const found = await store.getConnection(id);
    if (found === null) throw new HttpError(404, `no connection ${id}`);
    return found;
  }

  const routes: Route[] = [
    {
      pattern: /^\/api\/connections$/,
      methods: {
        GET: async (request) => {
          const { limit, cursor, ...filters } = parse(connectionsQuery, request.query);
          return listing(
            await store.listConnections(filters, { limit, cursor: cursor ?? null }),
            connectionView,
          );
        },
      },
    },
    {
      pattern: /^\/api\/connections\/([^/]+)$/,
      methods: {
        GET: async (_request, [id = '']) => {
          const found = await connection(id);
          const syncs = await store.listSyncRuns(found.id, 20);
          return json(200, { ...connectionView(found), syncs: syncs.map(syncRunView) });
        },
      },
    },
    {
      pattern: /^\/api\/connections\/([^/]+)\/events$/,
      methods: {
        GET: async (request, [id = '']) => {
          const { limit, cursor } = parse(pageQuery, request.query);
          await connection(id);
          return listing(await store.listConnectionEvents(id, { limit, cursor: cursor ?? null }), eventView);
        },
      },
    },
    {
      pattern: /^\/api\/events$/,
      methods: {
        GET: async (request) => {
          const { limit, cursor, ...filters } = parse(eventsQuery, request.query);
          return listing(await store.listEvents(filters, { limit, cursor: cursor ?? null }), eventView);
        },
      },
    },
  ];

  const webhook = options.webhook;
  if (webhook) {
    routes.push({
      pattern: new RegExp(`^${WEBHOOK_PATH}$`),
      methods: {
        POST: async (request) => {
          const answer = await receiveWebhook(webhook, { body: request.body, headers: request.headers });
          options.onWebhookAnswer?.(answer);
          return json(answer.status, answer.body);
        },
      },
    });
  }
  if (options.healthz) {
    routes.push({
      pattern: /^\/healthz$/,
      methods: {
        GET: async () => {
          await store.ping();
          return json(200, { status: 'ok' });
        },
      },
    });
  }

  return async (request) => {
    const path = request.path.length > 1 ? request.path.replace(/\/$/, '') : request.path;
    try {
      if (
        apiToken !== null &&
        (path === '/api' || path.startsWith('/api/')) &&
        !authorized(request, apiToken)
      ) {
        return error(401, 'missing or wrong bearer token', { 'www-authenticate': 'Bearer' });
      }
      for (const route of routes) {
        const match = route.pattern.exec(path);
        if (!match) continue;
        const handler = route.methods[request.method.toUpperCase()];
        if (!handler) {
          return error(405, `${request.method} is not allowed here`, {
            allow: Object.keys(route.methods).join(', '),
          });
        }
        let params: string[];
        try {
          params = match.slice(1).map((part) => decodeURIComponent(part));
        } catch {
          throw new HttpError(400, 'malformed path');
        }
        return await handler(request, params);
      }
      return error(404, `no route for ${request.method} ${path}`);
    } catch (failure) {
      if (failure instanceof HttpError) return error(failure.status, failure.message);
      if (failure instanceof CursorError) return error(400, failure.message);
      options.onError?.(failure, request);
      if (isStoreUnavailable(failure)) return error(503, 'the store is not answering; retry later');
      return error(500, 'internal error');
    }
  };
}
