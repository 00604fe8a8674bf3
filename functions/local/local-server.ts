import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { ApiResponse } from '#commons/api/http-types';
import { createRouter, WEBHOOK_PATH } from '#commons/api/router';
import { ConfigError, type LocalConfig } from '#commons/config';
import { lockDataDir } from '#commons/local-store/data-dir-lock';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { type HealthNotifier, loggingHealthNotifier } from '#commons/store/health-notifier';
import { createStore, type Store } from '#commons/store/store';
import { MAX_WEBHOOK_BODY_BYTES } from '#commons/webhook/webhook-decision';
import { loadOrCreateWebhookSecret } from '#commons/webhook-secret/local-secret-file';
import { staticSecretSource } from '#commons/webhook-secret/secret-source';
import { BodyTooLargeError, readBody } from './read-body.ts';

export interface LocalServerOptions {
  /** One line per notable thing (default: console.log). */
  readonly log?: (line: string) => void;
  readonly now?: () => number;
  /** Health changes (default: a log line each). */
  readonly notifier?: HealthNotifier;
}

export interface LocalWebhookSecretInfo {
  /** The secret Fivetran must sign with (the current one). */
  readonly current: string;
  readonly source: 'environment' | 'file';
  /** The generated secret's file, when it came from one. */
  readonly path: string | null;
  /** True on the start that generated it. */
  readonly created: boolean;
}

export interface LocalServer {
  readonly url: string;
  readonly webhookUrl: string;
  readonly dataDir: string;
  readonly store: Store;
  readonly webhookSecret: LocalWebhookSecretInfo;
  /** True when this start created the table (a fresh DATA_DIR). */
  readonly freshDataDir: boolean;
  /** Requests being handled right now. */
  inFlight(): number;
  /** Stops accepting, finishes the requests in flight, then closes the database. */
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

/**
 * The local server: the shared router over node:http, dynalite on disk under DATA_DIR (one process per
 * data directory), the webhook secret from the environment or generated once into DATA_DIR.
 */
export async function startLocalServer(
  config: LocalConfig,
  options: LocalServerOptions = {},
): Promise<LocalServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const releaseLock = lockDataDir(dataDir);
  let dynamo: LocalDynamo | null = null;
  try {
    const secret = config.webhookSecrets
      ? { secrets: config.webhookSecrets, path: null, created: false, source: 'environment' as const }
      : { ...loadOrCreateWebhookSecret(dataDir), source: 'file' as const };
    dynamo = await startLocalDynamo({ path: join(dataDir, 'dynamodb') });
    const store = createStore({
      client: dynamo.documentClient,
      tableName: dynamo.tableName,
      retentionDays: config.eventRetentionDays,
      ...(options.now ? { now: options.now } : {}),
      notifier:
        options.notifier ??
        loggingHealthNotifier((_message, change) =>
          log(`health: ${change.connection_id} ${change.previous ?? 'new'} → ${change.health}`),
        ),
      onNotifierError: (failure) => log(`health notifier failed: ${(failure as Error).message}`),
    });
    const router = createRouter({
      store,
      apiToken: config.apiToken,
      healthz: true,
      webhook: {
        store,
        secrets: staticSecretSource(secret.secrets),
        onError: (failure, step) => log(`webhook: ${step} failed: ${(failure as Error).message}`),
      },
      onWebhookAnswer: (answer) => {
        if (answer.outcome !== 'stored' && answer.outcome !== 'duplicate')
          log(`webhook: ${answer.status} ${answer.outcome}`);
      },
      onError: (failure, request) =>
        log(`${request.method} ${request.path} failed: ${(failure as Error).message}`),
    });

    let closing = false;
    let inFlight = 0;
    let drained: (() => void) | null = null;

    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = new URL(req.url ?? '/', 'http://local');
      if (closing) {
        send(
          res,
          { status: 503, headers: { 'retry-after': '5' }, body: '{"message":"shutting down; retry later"}' },
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
          const message = `{"message":"body exceeds ${MAX_WEBHOOK_BODY_BYTES} bytes"}`;
          send(
            res,
            { status: 413, headers: { 'content-type': 'application/json; charset=utf-8' }, body: message },
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
            send(res, { status: 500, headers: {}, body: '{"message":"internal error"}' }, true);
          else res.destroy();
        })
        .finally(() => {
          inFlight--;
          if (inFlight === 0) drained?.();
        });
    });
    server.keepAliveTimeout = 5_000;

    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', (failure: NodeJS.ErrnoException) => {
        rejectListen(
          failure.code === 'EADDRINUSE'
            ? new ConfigError(`${config.host}:${config.port} is already in use; set PORT to another port`)
            : failure.code === 'EADDRNOTAVAIL'
              ? new ConfigError(`HOST=${config.host} is not an address of this machine`)
              : failure,
        );
      });
      server.listen(config.port, config.host, () => resolveListen());
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${urlHost(config.host)}:${port}`;
    const openDynamo = dynamo;

    let closed: Promise<void> | null = null;
    const close = () => {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
        server.closeIdleConnections();
        if (inFlight > 0) await new Promise<void>((resolveDrain) => (drained = resolveDrain));
        // Every acknowledged request has finished; nothing left on any connection can be lost.
        server.closeAllConnections();
        await stopped;
        await openDynamo.close();
        releaseLock();
      })();
      return closed;
    };

    return {
      url,
      webhookUrl: `${url}${WEBHOOK_PATH}`,
      dataDir,
      store,
      webhookSecret: {
        current: secret.secrets[0] as string,
        source: secret.source,
        path: secret.path,
        created: secret.created,
      },
      freshDataDir: dynamo.created,
      inFlight: () => inFlight,
      close,
    };
  } catch (failure) {
    await dynamo?.close().catch(() => {});
    releaseLock();
    throw failure;
  }
}
