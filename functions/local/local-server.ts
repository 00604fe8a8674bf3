import { join, resolve } from 'node:path';
import { hasAlertChannels } from '#commons/alerts/alert-config';
import { productHealthNotifier } from '#commons/alerts/health-notifiers';
import { type LocalAlerts, type LocalAlertsOptions, localAlerts } from '#commons/alerts/in-process-alerts';
import { loggingSchemaChangeNotifier } from '#commons/alerts/schema-change-events';
import type { FivetranCredential } from '#commons/config/fivetran-settings';
import type { LocalConfig } from '#commons/config/local-config';
import { createHttpApp, MANUAL_SWEEP_COOLDOWN_MS, WEBHOOK_PATH } from '#commons/http/app';
import { startHttpServer } from '#commons/http/node-server';
import { type ConnectionWriter, connectionWriter } from '#commons/ingest/connection-writer';
import type { HealthNotifier } from '#commons/ingest/health-notifier';
import { type EventRecorder, eventRecorder } from '#commons/ingest/record-event';
import { terminalSafe } from '#commons/lib/terminal-text';
import { type DeliveryLoop, startDeliveryLoop } from '#commons/lineage/delivery-loop';
import { productEventObserver } from '#commons/lineage/event-observers';
import type { OpenLineageConfig } from '#commons/lineage/openlineage-config';
import { lockDataDir } from '#commons/local-store/data-dir-lock';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { createRepositories, type Repositories } from '#commons/store/repositories';
import type { TableRef } from '#commons/store/table/table-ref';
import { type LocalSweeps, localSweepControl } from '#commons/sweep/in-process-sweeps';
import { reclaimLeaseOfDeadProcess } from '#commons/sweep/reclaim-lease';
import type { SweepControl } from '#commons/sweep/sweep-control';
import { fileSecretSource } from '#commons/webhook-secret/file-secret-source';
import { loadOrCreateWebhookSecret } from '#commons/webhook-secret/local-secret-file';
import { staticSecretSource } from '#commons/webhook-secret/secret-source';
import { dashboardPage } from '../dashboard/dashboard-page.ts';
import { type DemoAccount, type DemoOptions, startDemoAccount } from './demo-account.ts';

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
  /** Least time between two manual sweep starts (default 30 s). */
  readonly manualSweepCooldownMs?: number;
  /** Demo account settings (tests make it smaller or drive its syncs themselves). */
  readonly demo?: Pick<DemoOptions, 'syncEveryMs' | 'groups' | 'connections'>;
  /** Alert settings (`parseAlertConfig`); with a channel configured the server plans and delivers alerts. */
  readonly alerts?: LocalAlertsOptions;
  /** Where OpenLineage events go (`parseOpenLineageConfig`); null or absent: lineage off. */
  readonly lineage?: OpenLineageConfig | null;
  /** How often the lineage outbox is delivered (default 5 s). */
  readonly lineageDeliveryIntervalMs?: number;
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
  /** The table under DATA_DIR, its repositories, and the write side the webhook and sweeps use. */
  readonly table: TableRef;
  readonly repositories: Repositories;
  readonly writer: ConnectionWriter;
  readonly recorder: EventRecorder;
  readonly webhookSecret: LocalWebhookSecretInfo;
  /** True when this start created the table (a fresh DATA_DIR). */
  readonly freshDataDir: boolean;
  /** `demo` without a Fivetran credential (the simulator is the account), `live` with one. */
  readonly mode: 'demo' | 'live';
  /** The running demo account (demo mode with sweeps on), else null. */
  readonly demo: DemoAccount | null;
  /** The sweeps (when on), else null. */
  readonly sweeps: LocalSweeps | null;
  /** Alert passes (when a channel is configured), else null. */
  readonly alerts: LocalAlerts | null;
  /** The OpenLineage deliverer (when OPENLINEAGE_URL is set), else null. */
  readonly lineage: DeliveryLoop | null;
  /** Requests being handled right now. */
  inFlight(): number;
  /** Stops accepting, finishes the requests in flight, then closes the database. */
  close(): Promise<void>;
}

/** The address a client on this machine reaches the server at (a wildcard bind answers on loopback). */
function reachableUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

/**
 * The local server: the shared router over node:http, dynalite on disk under DATA_DIR (one process per
 * data directory), the webhook secret from the environment or generated once into DATA_DIR.
 */
export async function startLocalServer(
  config: LocalConfig,
  options: LocalServerOptions = {},
): Promise<LocalServer> {
  const sink = options.log ?? ((line: string) => console.log(line));
  // Lines carry ids, names and messages from Fivetran: no control sequence or bidi override reaches the log.
  const log = (line: string) => sink(terminalSafe(line));
  const dataDir = resolve(config.dataDir);
  // Creates DATA_DIR when missing; a read-only or full one is one line (ConfigError).
  const releaseLock = lockDataDir(dataDir);
  let dynamo: LocalDynamo | null = null;
  try {
    const secret = config.webhookSecrets
      ? { secrets: config.webhookSecrets, path: null, created: false, source: 'environment' as const }
      : { ...loadOrCreateWebhookSecret(dataDir), source: 'file' as const };
    dynamo = await startLocalDynamo({ path: join(dataDir, 'dynamodb') });
    const table: TableRef = { client: dynamo.documentClient, tableName: dynamo.tableName };
    const repositories = createRepositories(table, {
      retentionDays: config.eventRetentionDays,
      ...(options.now ? { now: options.now } : {}),
    });
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
    const alerts =
      options.alerts && hasAlertChannels(options.alerts.config)
        ? localAlerts(repositories, options.alerts, { log, ...(options.now ? { now: options.now } : {}) })
        : null;
    const writer = connectionWriter(repositories.connections, {
      notifier:
        options.notifier ??
        productHealthNotifier({
          healthChanges: repositories.healthChanges,
          log: (change) => log(`health: ${change.connection_id} ${change.previous} → ${change.health}`),
          alerts: alerts?.notifier,
        }),
      onNotifierError: (failure) => log(`health notifier failed: ${(failure as Error).message}`),
    });
    const lineageConfig = options.lineage ?? null;
    const now = options.now ? { now: options.now } : {};
    const recorder = eventRecorder({
      repositories,
      writer,
      ...now,
      observers: [
        productEventObserver(repositories, {
          openLineage: lineageConfig && { namespace: lineageConfig.namespace },
          ...now,
        }),
      ],
    });
    const app = createHttpApp({
      repositories,
      mode,
      dashboard: dashboardPage(),
      sweeps: options.sweeps ? sweepControl : null,
      sweepsUnavailable: 'this local server was started without sweeps',
      apiToken: config.apiToken,
      healthz: true,
      storageFault: () => dynamo?.storageFault() ?? Promise.resolve(null),
      browserGuard: { allowedHosts: [config.host, ...config.allowedHosts] },
      manualSweepCooldownMs: options.manualSweepCooldownMs ?? MANUAL_SWEEP_COOLDOWN_MS,
      webhook: {
        recorder,
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

    const server = await startHttpServer({
      app,
      host: config.host,
      port: config.port,
      log,
      addressNames: { host: 'HOST', port: 'PORT' },
    });
    const url = server.url;
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
            webhookRegistration: repositories.webhookRegistration,
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
        const dead = await reclaimLeaseOfDeadProcess(repositories, (options.now ?? Date.now)());
        if (dead !== null) log(`sweep ${dead} was left running by a stopped process: recorded as failed`);
        sweeps = localSweepControl({
          repositories,
          writer,
          fivetran,
          schemaRequestBudget: config.schemaRequestBudget,
          requestsPerHour: config.requestsPerHour,
          intervalMs: config.sweepIntervalMinutes * 60_000,
          ...(options.now ? { now: options.now } : {}),
          log,
          schemaChangeNotifier: loggingSchemaChangeNotifier(log),
          lineageNaming: lineageConfig !== null,
        });
      } catch (failure) {
        await demo?.close().catch(() => {});
        await server.close();
        throw failure;
      }
    }
    const runningDemo = demo;
    alerts?.start();
    const lineage =
      lineageConfig === null
        ? null
        : startDeliveryLoop({
            outbox: repositories.lineageOutbox,
            config: lineageConfig,
            intervalMs: options.lineageDeliveryIntervalMs ?? 5_000,
            ...now,
            log: {
              info: () => {},
              warn: (message, fields) => log(`lineage: ${message} (${String(fields.error ?? '')})`),
            },
            onError: (failure) => log(`lineage delivery failed: ${(failure as Error).message}`),
          });

    let closed: Promise<void> | null = null;
    const close = () => {
      closed ??= (async () => {
        // Sweeps first (they stop at their next step and record it), then the simulated account.
        await sweeps?.stop();
        await lineage?.stop();
        await runningDemo?.close();
        // Changes kept after this are planned by the next start.
        await alerts?.stop();
        // Every acknowledged request finishes before the store closes: nothing acknowledged can be lost.
        await server.close();
        await openDynamo.close();
        releaseLock();
      })();
      return closed;
    };

    return {
      url,
      webhookUrl: `${url}${WEBHOOK_PATH}`,
      dataDir,
      table,
      repositories,
      writer,
      recorder,
      mode,
      demo: runningDemo,
      sweeps,
      alerts,
      lineage,
      webhookSecret: {
        current: secret.secrets[0] as string,
        source: secret.source,
        path: secret.path,
        created: secret.created,
      },
      freshDataDir: dynamo.created,
      inFlight: () => server.inFlight(),
      close,
    };
  } catch (failure) {
    await dynamo?.close().catch(() => {});
    releaseLock();
    throw failure;
  }
}
