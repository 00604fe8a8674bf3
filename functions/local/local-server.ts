import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fanOutHealthNotifier } from '#commons/alerts/fan-out-notifier';
import { healthChangeLog } from '#commons/alerts/health-change-log';
import type { ApiResponse } from '#commons/api/http-types';
import { createRouter, WEBHOOK_PATH } from '#commons/api/router';
import { ConfigError, type FivetranCredential, type LocalConfig } from '#commons/config';
import { lockDataDir } from '#commons/local-store/data-dir-lock';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import type { HealthNotifier } from '#commons/store/health-notifier';
import { createStore, type Store } from '#commons/store/store';
import type { TableRef } from '#commons/store/table-ref';
import type { SweepControl } from '#commons/sweep/sweep-control';
import { MAX_WEBHOOK_BODY_BYTES } from '#commons/webhook/webhook-decision';
import { fileSecretSource } from '#commons/webhook-secret/file-secret-source';
import { loadOrCreateWebhookSecret } from '#commons/webhook-secret/local-secret-file';
import { staticSecretSource } from '#commons/webhook-secret/secret-source';
import { type DemoAccount, type DemoOptions, startDemoAccount } from './demo-account.ts';
import { type LocalSweeps, localSweepControl } from './local-sweeps.ts';
import { BodyTooLargeError, readBody } from './read-body.ts';

export const ENV_CREDENTIAL_NAME = 'FIVETRAN_API_KEY/FIVETRAN_API_SECRET';

export interface LocalServerOptions {
  /** One line per notable thing (default: console.log). */
  readonly log?: (line: string) => void;
  readonly now?: () => number;
  /** Health changes (default: a log line each). */
  readonly notifier?: HealthNotifier;
  /**
   * Sweep the Fivetran account: at start, every SWEEP_INTERVAL_MINUTES and on `POST /api/sweeps`. With no
   * credential that account is the built-in simulator (demo mode). `npm start` turns this on; off, the
   * server only takes webhooks and serves what the store holds.
   */
  readonly sweeps?: boolean;
  /** Demo account settings (tests make it smaller or drive its syncs themselves). */
  readonly demo?: Pick<DemoOptions, 'syncEveryMs' | 'groups' | 'connections'>;
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
  /** `demo` without a Fivetran credential (the simulator is the account), `live` with one. */
  readonly mode: 'demo' | 'live';
  /** The table behind `store`. */
  readonly table: TableRef;
  /** The running demo account (demo mode with sweeps on), else null. */
  readonly demo: DemoAccount | null;
  /** The sweeps (when on), else null. */
  readonly sweeps: LocalSweeps | null;
  /** Requests being handled right now. */
  inFlight(): number;
  /** Stops accepting, finishes the requests in flight, then closes the database. */
  close(): Promise<void>;
}

const EMPTY: Uint8Array = new Uint8Array(0);

/** The address a client on this machine reaches the server at (a wildcard bind answers on loopback). */
function reachableUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

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
    const table: TableRef = { client: dynamo.documentClient, tableName: dynamo.tableName };
    const mode = config.fivetranCredential ? 'live' : 'demo';
    // The router is built before the server listens, the sweeps after (demo mode registers our webhook URL,
    // which needs the server up): POST /api/sweeps reaches them through this.
    let sweeps: LocalSweeps | null = null;
    const sweepControl: SweepControl = {
      start: () => {
        if (sweeps === null) throw new Error('sweeps are still starting; try again in a moment');
        return sweeps.control.start();
      },
    };
    const store = createStore({
      ...table,
      retentionDays: config.eventRetentionDays,
      ...(options.now ? { now: options.now } : {}),
      notifier:
        options.notifier ??
        fanOutHealthNotifier([
          // The dashboard's "recent changes" (GET /api/summary).
          healthChangeLog(table),
          // Real changes only: a connection first seen is not news (a sweep's summary line counts those).
          {
            onHealthChange: (change) => {
              if (change.previous !== null)
                log(`health: ${change.connection_id} ${change.previous} → ${change.health}`);
            },
          },
        ]),
      onNotifierError: (failure) => log(`health notifier failed: ${(failure as Error).message}`),
    });
    const router = createRouter({
      store,
      table,
      mode,
      dashboard: true,
      sweeps: options.sweeps ? sweepControl : null,
      sweepsUnavailable: 'this local server was started without sweeps',
      apiToken: config.apiToken,
      healthz: true,
      webhook: {
        store,
        // A generated secret lives in DATA_DIR, where `webhook register` / `rotate-secret` rewrite it.
        secrets:
          secret.source === 'file'
            ? fileSecretSource(dataDir, secret.secrets)
            : staticSecretSource(secret.secrets),
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
    const webhookUrl = `${reachableUrl(url)}${WEBHOOK_PATH}`;
    const openDynamo = dynamo;

    let demo: DemoAccount | null = null;
    if (options.sweeps) {
      try {
        let fivetran: { baseUrl: string; credential: FivetranCredential; credentialName: string };
        if (config.fivetranCredential) {
          fivetran = {
            baseUrl: config.fivetranApiUrl,
            credential: config.fivetranCredential,
            credentialName: ENV_CREDENTIAL_NAME,
          };
        } else {
          demo = await startDemoAccount({
            table,
            webhookUrl,
            webhookSecret: secret.secrets[0] as string,
            ...options.demo,
          });
          fivetran = {
            baseUrl: demo.apiUrl,
            credential: demo.credential,
            credentialName: demo.credentialName,
          };
        }
        sweeps = localSweepControl({
          table,
          store,
          fivetran,
          schemaRequestBudget: config.schemaRequestBudget,
          intervalMs: config.sweepIntervalMinutes * 60_000,
          ...(options.now ? { now: options.now } : {}),
          log,
        });
      } catch (failure) {
        await demo?.close().catch(() => {});
        server.closeAllConnections();
        await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
        throw failure;
      }
    }
    const runningDemo = demo;

    let closed: Promise<void> | null = null;
    const close = () => {
      closed ??= (async () => {
        // Sweeps first (they stop at their next step and record it), then the simulated account.
        await sweeps?.stop();
        await runningDemo?.close();
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
      table,
      mode,
      demo: runningDemo,
      sweeps,
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
