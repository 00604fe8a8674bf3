import type { AddressInfo } from 'node:net';
import type { FivetranCredential } from '#commons/config/fivetran-settings';
import { RequestCounter } from '#commons/fivetran/request-counter';
import type { SimAccount, SimConnection, SimStatus, SimWebhook } from './account.ts';
import { addGeneratedConnection, generateAccount, SCENARIOS, type Scenario } from './account-generator.ts';
import { classicTick, realisticTick, startHistoricalSyncs } from './activity.ts';
import { type ApiAnswer, failure } from './api-routes.ts';
import { createApiServer, type RequestRecord } from './api-server.ts';
import { connectionEvent, creationProbe, dummyEvent, type EventPayload } from './event-payloads.ts';
import { FaultBook } from './faults.ts';
import { IdFactory } from './names.ts';
import { createRandom, type Random } from './prng.ts';
import { RateMeter } from './rate-meter.ts';
import type { ChurnCounts, SimulatorKnobs, SimulatorOptions } from './simulator-options.ts';
import { SyncEngine, type SyncOptions, type SyncOutcome } from './sync-engine.ts';
import { type SendResult, WebhookDeliverer } from './webhook-delivery.ts';

export type { ChurnCounts, SimulatorKnobs, SimulatorOptions } from './simulator-options.ts';
export type { SyncOptions, SyncOutcome } from './sync-engine.ts';

/** Fake demo credentials: safe to print, useless anywhere but the simulator. */
export const DEMO_API_KEY = 'demo-key';
export const DEMO_API_SECRET = 'demo-secret';

/**
 * A Fivetran account in a box: the documented REST subset over HTTP on 127.0.0.1, generated from a seed,
 * with fault knobs, rate-limit headers, and signed webhook deliveries driven by simulated syncs whose
 * effects the REST view (and the sync-history endpoint) shows too. A dev tool shipped with the product
 * (demo mode, `npm run simulator`) and the tests' Fivetran.
 */
export class Simulator {
  readonly account: SimAccount;
  readonly faults: FaultBook;
  readonly knobs: SimulatorKnobs;
  readonly quirks: boolean;
  /** Every request answered, by endpoint and status (same shape as the client's counter). */
  readonly requests = new RequestCounter();
  readonly requestLog: RequestRecord[] = [];
  readonly rateMeter = new RateMeter();
  readonly deliveries: WebhookDeliverer;
  readonly credential: FivetranCredential;
  readonly now: () => number;
  #url = '';
  readonly #ids: IdFactory;
  readonly #activity: Random;
  readonly #quirkRandom: Random | null;
  readonly #syncs: SyncEngine;
  readonly #server = createApiServer(this);
  #timer: NodeJS.Timeout | null = null;

  constructor(options: SimulatorOptions = {}) {
    const seed = options.seed ?? 1;
    this.now = options.now ?? Date.now;
    this.quirks = options.quirks ?? false;
    this.#ids = new IdFactory(createRandom(`${seed}/ids`));
    this.#activity = createRandom(`${seed}/activity`);
    this.#quirkRandom = this.quirks ? createRandom(`${seed}/quirks`) : null;
    this.account = generateAccount(
      {
        groups: options.groups ?? 3,
        connections: options.connections ?? 24,
        accountName: options.accountName,
        keyKind: options.keyKind,
      },
      {
        account: createRandom(`${seed}/account`),
        history: createRandom(`${seed}/history`),
        transformations: createRandom(`${seed}/transformations`),
        quirks: this.#quirkRandom,
      },
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
      rateLimitPerHour: options.trial ? 500 : 20_000,
      syncHistory: 'available',
    };
    this.#syncs = new SyncEngine({
      account: this.account,
      random: this.#activity,
      now: this.now,
      emit: (payload, connection) => this.#emit(payload, connection),
    });
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

  /**
   * Timer mode: one tick every `everyMs`. Classic: an instant sync (now and then a pause or resume). With
   * `quirks`: syncs that last seconds, clustered failures, setup changes (see `realisticTick`).
   */
  startActivity(everyMs: number): void {
    this.stopActivity();
    if (this.quirks) startHistoricalSyncs(this, this.#activity);
    this.#timer = setInterval(() => {
      const tick = this.quirks
        ? Promise.resolve(realisticTick(this, this.#activity))
        : classicTick(this, this.#activity);
      tick.catch(() => {
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
    this.#syncs.stopAll();
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
  listConnections(groupId: string | null, schema: string | null): SimConnection[] {
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

  /** A new connection; with `quirks` by default as Fivetran creates one: `incomplete`, first sync pending. */
  addConnection(options: { readonly scenario?: Scenario; readonly groupId?: string } = {}): SimConnection {
    const groupIds = [...this.account.groups.keys()];
    const groupId = options.groupId ?? this.#activity.pick(groupIds);
    if (!this.account.groups.has(groupId)) throw new Error(`no group ${groupId}`);
    const scenario = options.scenario ?? (this.quirks ? 'new' : 'no_schema');
    const connection = addGeneratedConnection(
      this.account,
      scenario,
      groupId,
      this.#activity,
      this.#ids,
      this.now(),
      this.#quirkRandom,
    );
    this.#emit(connectionEvent('create_connector', connection, this.now()), connection);
    return connection;
  }

  removeConnection(id: string): void {
    const connection = this.#connection(id);
    this.account.connections.delete(id);
    this.account.schemas.delete(id);
    this.account.runs.delete(id);
    this.#syncs.forget(id);
    this.#emit(connectionEvent('delete_connector', connection, this.now()), connection);
  }

  /** Changes fields (a shallow merge; `status` fields merge too) and sends `edit_connector`. */
  updateConnection(
    id: string,
    patch: Partial<Omit<SimConnection, 'status' | 'sim'>> & { readonly status?: Partial<SimStatus> },
  ): SimConnection {
    const connection = this.#connection(id);
    const { status, ...rest } = patch;
    Object.assign(connection, rest);
    if (status) Object.assign(connection.status, status);
    this.#emit(connectionEvent('edit_connector', connection, this.now()), connection);
    return connection;
  }

  pauseConnection(id: string): SimConnection {
    const connection = this.#connection(id);
    connection.paused = true;
    connection.status.sync_state = 'paused';
    this.#syncs.forget(id);
    this.#emit(connectionEvent('pause_connector', connection, this.now()), connection);
    return connection;
  }

  resumeConnection(id: string): SimConnection {
    const connection = this.#connection(id);
    connection.paused = false;
    connection.status.sync_state = 'scheduled';
    this.#emit(connectionEvent('resume_connector', connection, this.now()), connection);
    return connection;
  }

  /** The connection test fails: setup `broken` and `connection_failure` (with the reason) goes out. */
  failSetup(id: string, reason?: string): SimConnection {
    const connection = this.#connection(id);
    this.#syncs.failSetup(connection, reason);
    return connection;
  }

  /** The connection test passes: setup `connected` and `connection_successful` goes out. */
  repairSetup(id: string): SimConnection {
    const connection = this.#connection(id);
    this.#syncs.repairSetup(connection);
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

  // ── Syncs (see `SyncEngine`) ──

  isSyncing(id: string): boolean {
    return this.#syncs.isSyncing(id);
  }

  /** Starts a sync: `sync_state` becomes `syncing` and `sync_start` goes out. Returns the sync id. */
  startSync(id: string): string {
    return this.#syncs.start(this.#connection(id));
  }

  /** Starts a sync that ends by itself after `durationMs` with `outcome`. */
  startTimedSync(id: string, durationMs: number, outcome: SyncOutcome = 'SUCCESSFUL'): void {
    this.#syncs.startTimed(this.#connection(id), durationMs, outcome);
  }

  /** Ends the running sync (starting one first if none runs) with `outcome`; see `SyncEngine.finish`. */
  finishSync(id: string, outcome: SyncOutcome = 'SUCCESSFUL', options: SyncOptions = {}): EventPayload {
    return this.#syncs.finish(this.#connection(id), outcome, options);
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

  #emit(payload: EventPayload, connection: SimConnection): void {
    this.deliveries.dispatch(payload, connection.group_id, this.account.webhooks.values());
  }

  #connection(id: string): SimConnection {
    const connection = this.account.connections.get(id);
    if (!connection) throw new Error(`no connection ${id}`);
    return connection;
  }
}

/** Builds the account, starts the HTTP server (and timer mode when asked) and returns the running simulator. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = new Simulator(options);
  await sim.listen(options.host, options.port);
  if (options.syncEveryMs) sim.startActivity(options.syncEveryMs);
  return sim;
}
