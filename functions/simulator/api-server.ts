import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { type ApiAnswer, failure, matchRoute } from './api-routes.ts';
import { PagingError } from './paging.ts';
import type { Simulator } from './simulator.ts';

/** One request as the simulator saw it (for tests asserting what a client sent). */
export interface RequestRecord {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  /** `GET /v1/connections/{id}`; `GET (unknown path)` for paths the simulator does not serve. */
  readonly endpoint: string;
  readonly accept: string | null;
  readonly contentType: string | null;
  readonly userAgent: string | null;
  /** HTTP status answered, or `error` when the connection was cut on purpose. */
  readonly status: number | 'error';
}

const MAX_REQUEST_BYTES = 1024 * 1024;
const LOG_LIMIT = 5_000;
const ACCEPTED_MEDIA = /^application\/json\s*(;\s*version\s*=\s*2\s*)?$/i;

/** The HTTP face of the simulator: Basic auth, `Accept` and `Content-Type` rules, faults, then the routes. */
export function createApiServer(sim: Simulator): Server {
  return createServer((request, response) => {
    serve(sim, request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { code: 'InternalError', message: String(error) });
      else response.destroy();
    });
  });
}

async function serve(sim: Simulator, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const method = request.method ?? 'GET';
  const url = new URL(request.url ?? '/', 'http://simulator');
  const matched = safeMatch(method, url.pathname);
  // Unknown paths share one name, so a scan of random paths cannot grow the counter without bound.
  const template = matched !== null && 'route' in matched ? matched.route.template : '(unknown path)';
  const endpoint = `${method} ${template}`;
  const record = (status: number | 'error') => {
    sim.requests.record(endpoint, status);
    sim.requestLog.push({
      method,
      url: request.url ?? '/',
      endpoint,
      accept: request.headers.accept ?? null,
      contentType: request.headers['content-type'] ?? null,
      userAgent: request.headers['user-agent'] ?? null,
      status,
    });
    if (sim.requestLog.length > LOG_LIMIT) sim.requestLog.splice(0, sim.requestLog.length - LOG_LIMIT);
  };

  const raw = await readBody(request);
  const { latencyMs, effect } = sim.faults.take({ endpoint, hasCursor: url.searchParams.has('cursor') });
  const wait = latencyMs + sim.knobs.latencyMs;
  if (wait > 0) await delay(wait);

  if (effect?.kind === 'disconnect') {
    record('error');
    request.socket.destroy();
    return;
  }
  if (effect?.kind === 'status') {
    record(effect.status);
    const headers: Record<string, string> = {};
    if (effect.retryAfterSeconds !== undefined) headers['Retry-After'] = String(effect.retryAfterSeconds);
    const bare = effect.body === 'none' || (effect.body === undefined && effect.status === 401);
    const body = bare
      ? undefined
      : { code: effect.code ?? defaultCode(effect.status), message: 'Simulated fault' };
    send(response, effect.status, body, headers);
    return;
  }

  const answer = await answerFor({ sim, request, method, url, matched, raw });
  if (effect?.kind === 'repeat_cursor' && answer.status === 200) {
    const data = (answer.body as { data?: { next_cursor?: unknown } }).data;
    if (data) data.next_cursor = url.searchParams.get('cursor');
  }
  if (effect?.kind === 'malformed' && answer.status === 200) {
    record(200);
    sendText(response, 200, '{"code":"Success","data":{"items":[{"id":');
    return;
  }
  if (effect?.kind === 'truncated' && answer.status === 200) {
    record('error');
    const text = JSON.stringify(answer.body);
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
    });
    response.write(text.slice(0, Math.floor(text.length / 2)), () => response.destroy());
    return;
  }
  record(answer.status);
  send(response, answer.status, answer.body, { ...answer.headers });
}

/** One request to answer: the simulator, the request, and what was already read of it. */
interface Exchange {
  readonly sim: Simulator;
  readonly request: IncomingMessage;
  readonly method: string;
  readonly url: URL;
  readonly matched: ReturnType<typeof safeMatch>;
  readonly raw: Buffer | null;
}

async function answerFor(exchange: Exchange): Promise<ApiAnswer> {
  const { sim, request } = exchange;
  // Fivetran's 401 may come with no body at all (its OpenAPI file declares none).
  if (!authorised(sim, request.headers.authorization)) return { status: 401, body: undefined };
  const nowMs = sim.now();
  const limit = sim.knobs.rateLimitPerHour;
  if (!sim.rateMeter.take(limit, nowMs)) {
    return {
      status: 429,
      body: {
        code: 'TooManyRequests',
        message: `Max ${limit} api calls allowed in one-hour rolling time period`,
      },
      headers: {
        ...sim.rateMeter.headers(limit, nowMs),
        'Retry-After': String(sim.rateMeter.retryAfterSeconds(nowMs)),
      },
    };
  }
  const answer = await routeAnswer(exchange);
  return { ...answer, headers: { ...answer.headers, ...sim.rateMeter.headers(limit, nowMs) } };
}

async function routeAnswer({ sim, request, method, url, matched, raw }: Exchange): Promise<ApiAnswer> {
  const accept = request.headers.accept;
  if (accept && accept !== '*/*' && !ACCEPTED_MEDIA.test(accept.trim())) {
    return failure(406, 'NotAcceptable', `Unsupported Accept header: ${accept}`);
  }
  if (matched === null) return failure(404, 'NotFound', `No endpoint ${method} ${url.pathname}`);
  if ('methodNotAllowed' in matched) return failure(405, 'MethodNotAllowed', `${method} is not allowed here`);
  if (raw === null) return failure(413, 'PayloadTooLarge', 'Request body too large');
  let body: unknown;
  if (method === 'POST' || method === 'PATCH') {
    if (!/^application\/json/i.test(request.headers['content-type'] ?? '')) {
      return failure(415, 'UnsupportedMediaType', 'Content-Type must be application/json');
    }
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch {
      return failure(400, 'BadRequest', 'Request body is not valid JSON');
    }
  }
  try {
    return await matched.route.handle(sim, { method, params: matched.params, query: url.searchParams, body });
  } catch (error) {
    if (error instanceof PagingError) return failure(400, 'InvalidInput', error.message);
    throw error;
  }
}

function safeMatch(method: string, pathname: string): ReturnType<typeof matchRoute> {
  try {
    return matchRoute(method, pathname);
  } catch {
    return null;
  }
}

function authorised(sim: Simulator, header: string | undefined): boolean {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(Buffer.from(match[1] as string, 'base64').toString('utf8'));
  const expected = Buffer.from(`${sim.credential.apiKey}:${sim.credential.apiSecret}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function defaultCode(status: number): string {
  if (status === 429) return 'TooManyRequests';
  if (status === 403) return 'AccessDenied';
  if (status === 404) return 'NotFound';
  if (status >= 500) return 'InternalServerError';
  return 'BadRequest';
}

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    response.writeHead(status, headers);
    response.end();
    return;
  }
  sendText(response, status, JSON.stringify(body), headers);
}

function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}
