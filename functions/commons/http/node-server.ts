import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { ConfigError } from '../config/env.ts';
import { MAX_WEBHOOK_BODY_BYTES } from '../webhook/webhook-decision.ts';
import { BodyTooLargeError, readBody } from './read-body.ts';

export interface HttpServerOptions {
  /** The HTTP app (see `app.ts`). */
  readonly app: Hono;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** One line per notable thing (default: nothing). */
  readonly log?: (line: string) => void;
  /** How the address is named in a listen error: the env vars for the local server, the flags for `serve`. */
  readonly addressNames?: { readonly host: string; readonly port: string };
  /** Bounds on what clients may hold (defaults: `SERVER_LIMITS`). */
  readonly limits?: Partial<ServerLimits>;
}

/**
 * What one machine's clients may hold open. Each open request may buffer up to the 256 KiB body limit, so
 * `maxConnections` bounds the memory slow senders can pin (256 × 256 KiB = 64 MiB at most), and the
 * timeouts bound for how long: Fivetran sends a whole delivery in well under a second.
 */
export interface ServerLimits {
  /** Sockets beyond this are closed at once. */
  readonly maxConnections: number;
  /** The request line and headers must arrive within this. */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (node answers 408). */
  readonly requestTimeoutMs: number;
}

export const SERVER_LIMITS: ServerLimits = {
  maxConnections: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
};

export interface HttpServer {
  /** `http://<host>:<port>` */
  readonly url: string;
  /** Requests being handled right now. */
  inFlight(): number;
  /** Stops accepting, finishes the requests in flight, then closes every connection. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };

/** The answers given before the app sees a request. */
function send(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...jsonHeaders,
    'content-length': Buffer.byteLength(body),
    connection: 'close',
    ...extra,
  });
  res.end(body);
}

/**
 * The HTTP app over node:http (`@hono/node-server`): bodies read up to the webhook limit before the app sees
 * them (413 past it, without buffering the rest), request targets checked, graceful close. Used by the local
 * server and `fivetran-metadata serve`.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const listener = getRequestListener(options.app.fetch);
  const log = options.log ?? (() => {});
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const target = req.url ?? '/';
    // Origin-form targets only ("/path?query"): a target like "//host/x" or "/\\host/x" could be read as
    // another host by a URL parser.
    if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) {
      send(res, 400, '{"message":"the request target must be a path"}');
      return;
    }
    if (closing) {
      send(res, 503, '{"message":"shutting down; retry later"}', { 'retry-after': '5' });
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      try {
        // Read here, bounded; the adapter hands these bytes to the app instead of reading the socket again.
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = Buffer.from(
          await readBody(req, MAX_WEBHOOK_BODY_BYTES),
        );
      } catch (failure) {
        if (!(failure instanceof BodyTooLargeError)) throw failure;
        const path = target.split('?')[0];
        log(`${method} ${path}: 413, body over ${MAX_WEBHOOK_BODY_BYTES} bytes (stopped reading)`);
        send(res, 413, `{"message":"body exceeds ${MAX_WEBHOOK_BODY_BYTES} bytes"}`);
        // The rest of the body is never read: once the answer is out, drop the connection.
        res.once('finish', () => setTimeout(() => req.socket.destroy(), 50).unref());
        return;
      }
    }
    await listener(req, res);
  }

  const limits = { ...SERVER_LIMITS, ...options.limits };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often node looks for requests past those timeouts (its default, 30 s, would let them linger).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    (req, res) => {
      inFlight++;
      handle(req, res)
        .catch((failure: unknown) => {
          log(`request failed: ${(failure as Error).message}`);
          if (!res.headersSent) send(res, 500, '{"message":"internal error"}');
          else res.destroy();
        })
        .finally(() => {
          inFlight--;
          if (inFlight === 0) drained?.();
        });
    },
  );
  server.keepAliveTimeout = 5_000;
  server.maxConnections = limits.maxConnections;

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
