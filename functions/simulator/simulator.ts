import type { AddressInfo } from 'node:net';
import type { FivetranCredential } from '#commons/config/fivetran-settings';
import { RequestCounter } from '#commons/fivetran/request-counter';
import type { Connection } from '#commons/fivetran/schemas';
import type { SimAccount, SimWebhook } from './account.ts';
import {
  addGeneratedConnection,
  generateAccount,
  generateSchemaConfig,
  iso,
  SCENARIOS,
  type Scenario,
  taskMessage,
} from './account-generator.ts';
import { type ApiAnswer, failure } from './api-routes.ts';
import { createApiServer, type RequestRecord } from './api-server.ts';
import { connectionEvent, creationProbe, dummyEvent, type EventPayload, syncId } from './event-payloads.ts';
import { FaultBook } from './faults.ts';
import { IdFactory } from './names.ts';
import type { EndOfList } from './paging.ts';
import { createRandom, type Random } from './prng.ts';
import { type DeliveryKnobs, type SendResult, WebhookDeliverer } from './webhook-delivery.ts';

/** Fake demo credentials: safe to print, useless anywhere but the simulator. */
export const DEMO_API_KEY = 'demo-key';
export const DEMO_API_SECRET = 'demo-secret';

/** `sync_end` outcomes the simulator produces (Fivetran's documented `data.status` values). */
export type SyncOutcome = 'SUCCESSFUL' | 'FAILURE' | 'FAILURE_WITH_TASK' | 'RESCHEDULED';

export interface ChurnCounts {
  readonly added?: number;
  readonly removed?: number;
  readonly changed?: number;
}

/** Run-time knobs; change them on `sim.knobs` at any time. */
export interface SimulatorKnobs {
  /** Added to every API answer. */
  latencyMs: number;
  endOfList: EndOfList;
  /** A scoped key's view: only these groups (and their destinations and connections); null = everything. */
  visibleGroupIds: string[] | null;
  /** Event names webhook creation refuses (as Fivetran would refuse a name it does not know). */
  unsupportedEvents: string[];
  /** Applied just before each new `GET /v1/connections` listing: the account moves on between calls. */
  churnBetweenListings: ChurnCounts | null;
}

export interface SimulatorOptions {
  readonly seed?: number | string;
  readonly groups?: number;
  readonly connections?: number;
  readonly apiKey?: string;
  readonly apiSecret?: string;
  readonly accountName?: string;
  readonly keyKind?: 'user' | 'system';
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly latencyMs?: number;
  readonly endOfList?: EndOfList;
  /** Timer mode (demo): run one simulated sync every this many ms. Off by default. */
  readonly syncEveryMs?: number | null;
  readonly delivery?: Partial<DeliveryKnobs>;
  readonly now?: () => number;
}

export interface SyncOptions {
  readonly reason?: string;
  readonly taskType?: string;
}

const DEFAULT_REASONS: Record<Exclude<SyncOutcome, 'SUCCESSFUL'>, string> = {
  FAILURE: 'java.lang.RuntimeException: Connection reset by peer',
  FAILURE_WITH_TASK: 'Access to the source was revoked: reconnect the source',
  RESCHEDULED: 'Source API rate limit reached; sync rescheduled',
};

/**
 * A Fivetran account in a box: the documented REST subset over HTTP on 127.0.0.1, generated from a seed,
 * with fault knobs, and signed webhook deliveries driven by simulated syncs whose effects the REST view
 * shows too. A dev tool shipped with the product (demo mode, `npm run simulator`) and the tests' Fivetran.
 */
export class Simulator {
  readonly account: SimAccount;
  readonly faults: FaultBook;
  readonly knobs: SimulatorKnobs;
  /** Every request answered, by endpoint and status (same shape as the client's counter). */
  readonly requests = new RequestCounter();
  readonly requestLog: RequestRecord[] = [];
  readonly deliveries: WebhookDeliverer;
  readonly credential: FivetranCredential;
  readonly now: () => number;
  #url = '';
  readonly #ids: IdFactory;
  readonly #activity: Random;
  readonly #server = createApiServer(this);
  readonly #activeSyncs = new Map<string, { syncId: string; startedMs: number }>();
  #timer: NodeJS.Timeout | null = null;

  constructor(options: SimulatorOptions = {}) {
    const seed = options.seed ?? 1;
    this.now = options.now ?? Date.now;
    this.#ids = new IdFactory(createRandom(`${seed}/ids`));
    this.#activity = createRandom(`${seed}/activity`);
    this.account = generateAccount(
      {
        groups: options.groups ?? 3,
        connections: options.connections ?? 24,
        accountName: options.accountName,
        keyKind: options.keyKind,
      },
      createRandom(`${seed}/account`),
      this.#ids,
      this.now(),
    );
    this.faults = new FaultBook(createRandom(`${seed}/faults`));
    this.deliveries = new WebhookDeliverer(createRandom(`${seed}/deliveries`), options.delivery);
    this.credential = {
      apiKey: options.apiKey ?? DEMO_API_KEY,
      apiSecret: options.apiSecret ?? DEMO_API_SECRET,
    };
    this.knobs = {
      latencyMs: options.latencyMs ?? 0,
      endOfList: options.endOfList ?? 'null',
      visibleGroupIds: null,
      unsupportedEvents: [],
      churnBetweenListings: null,
    };
  }

  /** Base URL to give a client (`FIVETRAN_API_URL`). */
  get url(): string {
    return this.#url;
  }

  async listen(host = '127.0.0.1', port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.#url = `http://${shownHost}:${address.port}`;
    return this.#url;
  }

  /** Timer mode: one simulated sync (and now and then a pause or resume) every `everyMs`. */
  startActivity(everyMs: number): void {
    this.stopActivity();
    this.#timer = setInterval(() => {
      this.#tick().catch(() => {
        // A demo tick never takes the simulator down.
      });
    }, everyMs);
    this.#timer.unref();
  }

  stopActivity(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  async close(): Promise<void> {
    this.stopActivity();
    this.deliveries.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Resolves once every webhook delivery is done (retries included). */
  settled(): Promise<void> {
    return this.deliveries.settled();
  }

  newId(): string {
    return this.#ids.next();
  }

  /** Connections as a listing returns them: the scoped key's view, optional group and exact-schema filters. */
  listConnections(groupId: string | null, schema: string | null): Connection[] {
    const scope = this.knobs.visibleGroupIds;
    return [...this.account.connections.values()].filter(
      (c) =>
        (scope === null || scope.includes(c.group_id)) &&
        (groupId === null || c.group_id === groupId) &&
        (schema === null || c.schema === schema),
    );
  }

  churnBeforeListing(): void {
    if (this.knobs.churnBetweenListings) this.churn(this.knobs.churnBetweenListings);
  }

  // ── Account changes, each announced by the webhook Fivetran would send ──

  addConnection(options: { readonly scenario?: Scenario; readonly groupId?: string } = {}): Connection {
    const groupIds = [...this.account.groups.keys()];
    const groupId = options.groupId ?? this.#activity.pick(groupIds);
    if (!this.account.groups.has(groupId)) throw new Error(`no group ${groupId}`);
    const scenario = options.scenario ?? 'no_schema';
    const connection = addGeneratedConnection(
      this.account,
      scenario,
      groupId,
      this.#activity,
      this.#ids,
      this.now(),
    );
    this.#emit(connectionEvent('create_connector', connection, this.now()), connection);
    return connection;
  }

  removeConnection(id: string): void {
    const connection = this.#connection(id);
    this.account.connections.delete(id);
    this.account.schemas.delete(id);
    this.#activeSyncs.delete(id);
    this.#emit(connectionEvent('delete_connector', connection, this.now()), connection);
  }

  /** Changes fields (a shallow merge; `status` fields merge too) and sends `edit_connector`. */
  updateConnection(id: string, patch: Partial<Connection>): Connection {
    const connection = this.#connection(id);
    const { status, ...rest } = patch;
    Object.assign(connection, rest);
    if (status) Object.assign(connection.status, status);
    this.#emit(connectionEvent('edit_connector', connection, this.now()), connection);
    return connection;
  }

  pauseConnection(id: string): Connection {
    const connection = this.#connection(id);
    connection.paused = true;
    connection.status.sync_state = 'paused';
    this.#activeSyncs.delete(id);
    this.#emit(connectionEvent('pause_connector', connection, this.now()), connection);
    return connection;
  }

  resumeConnection(id: string): Connection {
    const connection = this.#connection(id);
    connection.paused = false;
    connection.status.sync_state = 'scheduled';
    this.#emit(connectionEvent('resume_connector', connection, this.now()), connection);
    return connection;
  }

  /** Adds, removes and changes connections at random (seeded), like an account in daily use. */
  churn(counts: ChurnCounts): { added: string[]; removed: string[]; changed: string[] } {
    const added: string[] = [];
    const removed: string[] = [];
    const changed: string[] = [];
    for (let i = 0; i < (counts.removed ?? 0) && this.account.connections.size > 0; i++) {
      const id = this.#activity.pick([...this.account.connections.keys()]);
      this.removeConnection(id);
      removed.push(id);
    }
    for (let i = 0; i < (counts.changed ?? 0) && this.account.connections.size > 0; i++) {
      const id = this.#activity.pick([...this.account.connections.keys()]);
      const frequency = this.#activity.pick([15, 30, 60, 180, 360, 1440]);
      this.updateConnection(id, {
        sync_frequency: frequency,
        daily_sync_time: frequency === 1440 ? '03:00' : null,
      });
      changed.push(id);
    }
    for (let i = 0; i < (counts.added ?? 0) && this.account.groups.size > 0; i++) {
      added.push(this.addConnection({ scenario: this.#activity.pick(SCENARIOS) }).id);
    }
    return { added, removed, changed };
  }

  // ── Syncs ──

  /** Starts a sync: `sync_state` becomes `syncing` and `sync_start` goes out. Returns the sync id. */
  startSync(id: string): string {
    const connection = this.#connection(id);
    if (connection.paused) throw new Error(`connection ${id} is paused`);
    const sync = { syncId: syncId(this.#activity), startedMs: this.now() };
    this.#activeSyncs.set(id, sync);
    connection.status.sync_state = 'syncing';
    connection.status.rescheduled_for = null;
    this.#emit(
      connectionEvent('sync_start', connection, sync.startedMs, { syncId: sync.syncId }),
      connection,
    );
    return sync.syncId;
  }

  /**
   * Ends the running sync (starting one first if none runs) with `outcome`: the REST state changes to
   * match (`succeeded_at`/`failed_at` equal the `sync_end`'s `created`, `sync_state`, tasks) and
   * `sync_end` goes out with `data.status` (and `reason`, `taskType` where they apply).
   */
  finishSync(id: string, outcome: SyncOutcome = 'SUCCESSFUL', options: SyncOptions = {}): EventPayload {
    const connection = this.#connection(id);
    const sync = this.#activeSyncs.get(id) ?? { syncId: this.startSync(id), startedMs: this.now() };
    this.#activeSyncs.delete(id);
    // An end never precedes its start, even when the clock has not moved.
    const endedMs = Math.max(this.now(), sync.startedMs + 1);
    const status = connection.status;
    const data: Record<string, unknown> = { status: outcome };
    status.sync_state = 'scheduled';
    switch (outcome) {
      case 'SUCCESSFUL':
        connection.succeeded_at = iso(endedMs);
        status.setup_state = 'connected';
        status.update_state = 'on_schedule';
        status.is_historical_sync = false;
        status.tasks = [];
        // The first sync is what gives a connection its schema config.
        if (!this.account.schemas.has(id)) {
          this.account.schemas.set(
            id,
            generateSchemaConfig(connection.service, connection.schema, this.#activity),
          );
        }
        break;
      case 'FAILURE':
        connection.failed_at = iso(endedMs);
        data.reason = options.reason ?? DEFAULT_REASONS.FAILURE;
        break;
      case 'FAILURE_WITH_TASK': {
        const taskType = options.taskType ?? 'reconnect';
        connection.failed_at = iso(endedMs);
        status.tasks = [{ code: taskType, message: taskMessage(taskType) }];
        data.reason = options.reason ?? DEFAULT_REASONS.FAILURE_WITH_TASK;
        data.taskType = taskType;
        break;
      }
      case 'RESCHEDULED':
        status.sync_state = 'rescheduled';
        status.rescheduled_for = iso(endedMs + 60 * 60_000);
        data.reason = options.reason ?? DEFAULT_REASONS.RESCHEDULED;
        break;
    }
    const payload = connectionEvent('sync_end', connection, endedMs, { syncId: sync.syncId, data });
    this.#emit(payload, connection);
    return payload;
  }

  /** A whole sync, start to end; resolves once its webhooks were delivered (or gave up). */
  async runSync(id: string, outcome: SyncOutcome = 'SUCCESSFUL', options: SyncOptions = {}): Promise<string> {
    const started = this.startSync(id);
    this.finishSync(id, outcome, options);
    await this.settled();
    return started;
  }

  // ── Used by the webhook routes ──

  /** Runs the creation/activation probe; null when it passed, else the 400 Fivetran answers. */
  async probeWebhookUrl(url: string): Promise<ApiAnswer | null> {
    const result = await this.deliveries.probe(url, creationProbe(this.now()));
    if (result.status !== null && result.status >= 200 && result.status < 300) return null;
    const why =
      result.status === null ? `could not be reached (${result.error})` : `answered ${result.status}`;
    return failure(400, 'BadRequest', `Webhook test failed: ${url} ${why}`);
  }

  sendTestEvent(webhook: SimWebhook, event: string): Promise<SendResult> {
    return this.deliveries.sendOnce(webhook, dummyEvent(event, this.now()));
  }

  #emit(payload: EventPayload, connection: Connection): void {
    this.deliveries.dispatch(payload, connection.group_id, this.account.webhooks.values());
  }

  #connection(id: string): Connection {
    const connection = this.account.connections.get(id);
    if (!connection) throw new Error(`no connection ${id}`);
    return connection;
  }

  async #tick(): Promise<void> {
    const candidates = [...this.account.connections.values()].filter(
      (c) => c.status.setup_state !== 'incomplete',
    );
    if (candidates.length === 0) return;
    const connection = this.#activity.pick(candidates);
    // Paused connections come back soon and few get paused, so the demo account stays mostly running.
    if (connection.paused) {
      if (this.#activity.chance(0.3)) this.resumeConnection(connection.id);
      return;
    }
    if (this.#activity.chance(0.01)) {
      this.pauseConnection(connection.id);
      return;
    }
    const draw = this.#activity.next();
    const outcome: SyncOutcome =
      draw < 0.72
        ? 'SUCCESSFUL'
        : draw < 0.84
          ? 'FAILURE'
          : draw < 0.92
            ? 'FAILURE_WITH_TASK'
            : 'RESCHEDULED';
    await this.runSync(connection.id, outcome);
  }
}

/** Builds the account, starts the HTTP server (and timer mode when asked) and returns the running simulator. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = new Simulator(options);
  await sim.listen(options.host, options.port);
  if (options.syncEveryMs) sim.startActivity(options.syncEveryMs);
  return sim;
}
