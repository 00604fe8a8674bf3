import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLargeError, readBody } from '../../local/read-body.ts';
import { ConfigError } from '../config.ts';
import { MAX_WEBHOOK_BODY_BYTES } from '../webhook/webhook-decision.ts';
import type { ApiResponse } from './http-types.ts';
import type { Router } from './router.ts';

export interface HttpServerOptions {
  readonly router: Router;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** One line per notable thing (default: nothing). */
  readonly log?: (line: string) => void;
  /** How the address is named in a listen error: the env vars for the local server, the flags for `serve`. */
  readonly addressNames?: { readonly host: string; readonly port: string };
}

export interface HttpServer {
  /** `http://<host>:<port>` */
  readonly url: string;
  /** Requests being handled right now. */
  inFlight(): number;
  /** Stops accepting, finishes the requests in flight, then closes every connection. */
  close(): Promise<void>;
}

const EMPTY: Uint8Array = new Uint8Array(0);

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function firstValues(params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in query)) query[key] = value;
  return query;
}

function send(res: ServerResponse, response: ApiResponse, closeConnection = false): void {
  res.writeHead(response.status, {
    ...response.headers,
    'content-length': Buffer.byteLength(response.body),
    ...(closeConnection ? { connection: 'close' } : {}),
  });
  res.end(response.body);
}

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };

/**
 * The shared router over node:http: bodies read up to the webhook limit (413 past it, without buffering the
 * rest), one plain request per call, graceful close. Used by the local server and `fivetran-metadata serve`.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { router } = options;
  const log = options.log ?? (() => {});
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    // Origin-form targets only ("/path?query"), split by hand: `new URL` would read "//host/x" or "/\\host/x"
    // as another host.
    if (!target.startsWith('/')) {
      send(res, {
        status: 400,
        headers: jsonHeaders,
        body: '{"message":"the request target must be a path"}',
      });
      return;
    }
    const queryAt = target.indexOf('?');
    const url = {
      pathname: queryAt === -1 ? target : target.slice(0, queryAt),
      searchParams: new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1)),
    };
    if (closing) {
      send(
        res,
        {
          status: 503,
          headers: { ...jsonHeaders, 'retry-after': '5' },
          body: '{"message":"shutting down; retry later"}',
        },
        true,
      );
      return;
    }
    let body = EMPTY;
    if (method !== 'GET' && method !== 'HEAD') {
      try {
        body = await readBody(req, MAX_WEBHOOK_BODY_BYTES);
      } catch (failure) {
        if (!(failure instanceof BodyTooLargeError)) throw failure;
        log(`${method} ${url.pathname}: 413, body over ${MAX_WEBHOOK_BODY_BYTES} bytes (stopped reading)`);
        send(
          res,
          {
            status: 413,
            headers: jsonHeaders,
            body: `{"message":"body exceeds ${MAX_WEBHOOK_BODY_BYTES} bytes"}`,
          },
          true,
        );
        // The rest of the body is never read: once the answer is out, drop the connection.
        res.once('finish', () => setTimeout(() => req.socket.destroy(), 50).unref());
        return;
      }
    }
    const response = await router({
      method,
      path: url.pathname,
      query: firstValues(url.searchParams),
      headers: req.headers,
      body,
    });
    send(res, response, closing);
  }

  const server = createServer((req, res) => {
    inFlight++;
    handle(req, res)
      .catch((failure: unknown) => {
        log(`request failed: ${(failure as Error).message}`);
        if (!res.headersSent)
          send(res, { status: 500, headers: jsonHeaders, body: '{"message":"internal error"}' }, true);
        else res.destroy();
      })
      .finally(() => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
  });
  server.keepAliveTimeout = 5_000;

  const names = options.addressNames ?? { host: 'the host', port: 'the port' };
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', (failure: NodeJS.ErrnoException) => {
      rejectListen(
        failure.code === 'EADDRINUSE'
          ? new ConfigError(
              `${options.host}:${options.port} is already in use; set ${names.port} to another port`,
            )
          : failure.code === 'EADDRNOTAVAIL'
            ? new ConfigError(`${names.host}=${options.host} is not an address of this machine`)
            : failure,
      );
    });
    server.listen(options.port, options.host, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | null = null;
  return {
    url: `http://${urlHost(options.host)}:${port}`,
    inFlight: () => inFlight,
    close: () => {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
        server.closeIdleConnections();
        if (inFlight > 0) await new Promise<void>((resolveDrain) => (drained = resolveDrain));
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}
