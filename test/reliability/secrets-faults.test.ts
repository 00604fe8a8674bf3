import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FivetranClient } from '#commons/fivetran/client';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import type { TableRef } from '#commons/store/table/table-ref';
import { eventIdentity } from '#commons/webhook/event-identity';
import { parseEvent } from '#commons/webhook/parse-event';
import { signBody } from '#commons/webhook/signature';
import { secretsManagerSecretStore } from '#commons/webhook-secret/secret-store';
import {
  finishRotation,
  registerWebhook,
  rotateWebhookSecret,
} from '#commons/webhook-secret/webhook-registration';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';
import { openCore } from '../support/core.ts';
import { lambdaContext, restEvent } from '../support/lambda-fixture.ts';
import { eventStream } from './support/event-stream.ts';
import { recordFigure } from './support/figures.ts';
import { sendLikeFivetran } from './support/fivetran-sender.ts';
import { type LambdaShim, type ProxyHandler, startLambdaShim } from './support/lambda-shim.ts';
import { itemsOfKind, scanTable } from './support/table-snapshot.ts';

const WEBHOOK_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf';
const API_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fivetran-api-AbCdEf';
const secretsManager = mockClient(SecretsManagerClient);
const eventBridge = mockClient(EventBridgeClient);

/** Secrets Manager as an in-memory map, with a switch to make it unavailable. */
function fakeSecretsManager(initial: Record<string, string>) {
  const values = new Map(Object.entries(initial));
  const state = { down: false, reads: 0 };
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand).callsFake(async (input: { SecretId: string }) => {
    state.reads++;
    if (state.down) {
      throw Object.assign(new Error('Service Unavailable'), {
        name: 'InternalServiceError',
        $metadata: { httpStatusCode: 500 },
      });
    }
    const value = values.get(input.SecretId);
    if (value === undefined)
      throw Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' });
    return { SecretString: value };
  });
  secretsManager
    .on(PutSecretValueCommand)
    .callsFake(async (input: { SecretId: string; SecretString: string }) => {
      values.set(input.SecretId, input.SecretString);
      return {};
    });
  return { values, state };
}

function eventIdsOf(bodies: Iterable<string>): Set<string> {
  const ids = new Set<string>();
  for (const body of bodies) {
    const parsed = parseEvent(Buffer.from(body));
    if (parsed.ok) ids.add(eventIdentity(parsed.event.payload));
  }
  return ids;
}

async function storedEventIds(table: TableRef): Promise<Set<string>> {
  const events = itemsOfKind(await scanTable(table), 'EVENT');
  return new Set([...events.values()].map((item) => String(item.pk).replace(/^EVENT#/, '')));
}

describe('secrets faults', () => {
  let dynamo: LocalDynamo;
  let table: TableRef;
  const saved = { ...process.env };

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    table = { client: dynamo.documentClient, tableName: dynamo.tableName };
    Object.assign(process.env, {
      TABLE_NAME: dynamo.tableName,
      WEBHOOK_SECRET_ARN: WEBHOOK_ARN,
      API_CREDENTIAL_SECRET_ARN: API_ARN,
      EVENT_RETENTION_DAYS: '90',
      SCHEMA_REQUEST_BUDGET: '0',
      // The Lambdas build their own DynamoDB clients; the SDK honours the service endpoint variable.
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await dynamo.close();
  });
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    // A cold start per test: the handler module and its secret cache are fresh.
    vi.resetModules();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function webhookHandler(): Promise<ProxyHandler> {
    return (await import('../../functions/webhook/index.ts')).handler as unknown as ProxyHandler;
  }

  describe('webhook Lambda, Secrets Manager unavailable', () => {
    it('answers 503 (never crashes) while it cannot read the secret, and keeps every delivery once it can', async () => {
      // Prepare: down from the cold start; back after 40 attempts.
      const secret = 'sm-outage-webhook-secret-0123456789abcdef0123';
      const sm = fakeSecretsManager({ [WEBHOOK_ARN]: secret });
      sm.state.down = true;
      const handler = await webhookHandler();
      const stream = eventStream({ deliveries: 80, connections: 4, seed: 'sm-outage', prefix: 'smout' });
      const crashes: unknown[] = [];
      let attempts = 0;

      // Act
      const report = await sendLikeFivetran(
        stream.deliveries,
        async (body) => {
          if (++attempts === 40) sm.state.down = false;
          const headers = { 'X-Fivetran-Signature-256': signBody(body, secret) };
          try {
            return (await handler(restEvent(body, headers, { base64: true }), lambdaContext())).statusCode;
          } catch (error) {
            crashes.push(error);
            throw error;
          }
        },
        { concurrency: 4 },
      );

      // Assess
      recordFigure('secrets manager outage', { attempts: report.attempts, byStatus: report.byStatus });
      expect(crashes).toEqual([]);
      expect(report.byStatus['503']).toBeGreaterThanOrEqual(39 - 4);
      expect(Object.keys(report.byStatus).sort()).toEqual(['200', '503']);
      expect(report.gaveUp).toEqual([]);
      const stored = await storedEventIds(table);
      for (const id of stream.eventIds) expect(stored.has(id)).toBe(true);
    });

    it('keeps accepting deliveries from its cache while Secrets Manager is down after a warm start', async () => {
      // Prepare
      const secret = 'sm-cached-webhook-secret-0123456789abcdef0123';
      const sm = fakeSecretsManager({ [WEBHOOK_ARN]: secret });
      const handler = await webhookHandler();
      const stream = eventStream({ deliveries: 30, connections: 3, seed: 'sm-cached', prefix: 'smcache' });
      const invoke = async (body: string) =>
        (
          await handler(
            restEvent(body, { 'X-Fivetran-Signature-256': signBody(body, secret) }, { base64: true }),
            lambdaContext(),
          )
        ).statusCode;
      await invoke(stream.deliveries[0] as string);
      sm.state.down = true;

      // Act
      const statuses = [];
      for (const body of stream.deliveries.slice(1)) statuses.push(await invoke(body));

      // Assess
      expect(new Set(statuses)).toEqual(new Set([200]));
      expect(sm.state.reads).toBe(1);
    });
  });

  describe('webhook secret rotation, with the simulator as Fivetran delivering to the Lambda', () => {
    let sim: Simulator;
    let shim: LambdaShim;
    let handler: ProxyHandler;

    beforeEach(async () => {
      sim = await startSimulator({
        seed: 'rotation',
        groups: 2,
        connections: 8,
        delivery: { retryDelayMs: 5, maxAttempts: 10_000 },
      });
      shim = await startLambdaShim(() => handler);
    });
    afterEach(async () => {
      await Promise.all([sim.close(), shim.close()]);
    });

    /** Every body the simulator delivered to our webhook, and whether each got a 2xx in the end. */
    function deliveries() {
      const byBody = new Map<string, { ok: boolean; statuses: (number | null)[] }>();
      for (const record of sim.deliveries.log) {
        if (record.webhookId === null) continue;
        const entry = byBody.get(record.body) ?? { ok: false, statuses: [] };
        entry.statuses.push(record.status);
        entry.ok ||= record.status !== null && record.status >= 200 && record.status < 300;
        byBody.set(record.body, entry);
      }
      return byBody;
    }

    async function rotateDuringSyncs(options: { spendRereadFirst: boolean; advanceClock: () => void }) {
      const admin = new FivetranClient({
        baseUrl: sim.url,
        credential: sim.credential,
        credentialName: 'simulator',
      });
      const store = secretsManagerSecretStore(new SecretsManagerClient({}), WEBHOOK_ARN);
      const { webhook } = await registerWebhook({ admin, secrets: store, url: shim.url, groupId: null });
      const ids = [...sim.account.connections.values()].filter((c) => !c.paused).map((c) => c.id);
      const syncs = (count: number) => {
        for (let i = 0; i < count; i++) {
          const id = ids[i % ids.length] as string;
          sim.startSync(id);
          sim.finishSync(id, i % 5 === 0 ? 'FAILURE' : 'SUCCESSFUL');
        }
      };
      // Deliveries signed with the first secret; the Lambda caches it.
      syncs(6);
      await sim.settled();
      if (options.spendRereadFirst) {
        // A wrongly signed request makes the Lambda spend its early re-read (at most one per 30 s).
        const junk = '{"event":"sync_end","connector_id":"junk"}';
        await fetch(shim.url, {
          method: 'POST',
          body: junk,
          headers: { 'X-Fivetran-Signature-256': signBody(junk, 'not-our-secret') },
        });
      }
      // Syncs keep ending while the secret changes under them.
      syncs(8);
      await rotateWebhookSecret({ admin, secrets: store, webhookId: webhook.id });
      syncs(8);
      if (options.spendRereadFirst) {
        // Let Fivetran's retries meet a few 401s, then let the re-read window pass.
        while ([...deliveries().values()].every((entry) => !entry.statuses.includes(401)))
          await new Promise((resolve) => setTimeout(resolve, 5));
        options.advanceClock();
      }
      await sim.settled();
      await finishRotation(store);
      syncs(6);
      await sim.settled();
    }

    it('loses no event and answers no 401 during a rotation (register → rotate → finish)', async () => {
      // Prepare
      fakeSecretsManager({ [WEBHOOK_ARN]: '' });
      handler = await webhookHandler();

      // Act
      await rotateDuringSyncs({ spendRereadFirst: false, advanceClock: () => {} });

      // Assess
      const delivered = deliveries();
      expect(delivered.size).toBe(28 * 2);
      const statuses = [...delivered.values()].flatMap((entry) => entry.statuses);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect(shim.crashes).toEqual([]);
      const stored = await storedEventIds(table);
      for (const id of eventIdsOf(delivered.keys())) expect(stored.has(id)).toBe(true);
    });

    it('loses no event even when the early re-read was just spent: 401s are retried until the next re-read', async () => {
      // Prepare: a clock the test moves (only Date: timers stay real).
      vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-06-01T12:00:00.000Z') });
      fakeSecretsManager({ [WEBHOOK_ARN]: '' });
      handler = await webhookHandler();

      // Act
      await rotateDuringSyncs({
        spendRereadFirst: true,
        advanceClock: () => vi.setSystemTime(Date.now() + 31_000),
      });

      // Assess
      const delivered = deliveries();
      expect(delivered.size).toBe(28 * 2);
      expect([...delivered.values()].every((entry) => entry.ok)).toBe(true);
      const rejected = [...delivered.values()].flatMap((entry) => entry.statuses.filter((s) => s === 401));
      recordFigure('webhook secret rotation, re-read spent', {
        deliveries: delivered.size,
        attempts: [...delivered.values()].reduce((sum, entry) => sum + entry.statuses.length, 0),
        answered401: rejected.length,
      });
      expect(rejected.length).toBeGreaterThan(0);
      expect(shim.crashes).toEqual([]);
      const stored = await storedEventIds(table);
      for (const id of eventIdsOf(delivered.keys())) expect(stored.has(id)).toBe(true);
    });
  });

  describe('sweep Lambda, API key rotated', () => {
    let sim: Simulator;

    beforeEach(async () => {
      sim = await startSimulator({ seed: 'key-rotation', groups: 2, connections: 30, apiKey: 'key-one' });
      process.env.FIVETRAN_API_URL = sim.url;
    });
    afterEach(async () => {
      delete process.env.FIVETRAN_API_URL;
      await sim.close();
    });

    async function sweepHandler() {
      const module = await import('../../functions/sweep/index.ts');
      return (event: unknown) =>
        module.handler(event, { ...lambdaContext(), getRemainingTimeInMillis: () => 900_000 });
    }

    const setSimCredential = (apiKey: string, apiSecret: string) =>
      Object.assign(sim, { credential: { apiKey, apiSecret } });

    it('picks up a key rotated after the warm container cached the old one, without a restart', async () => {
      // Prepare: the first run caches key one.
      const sm = fakeSecretsManager({ [API_ARN]: JSON.stringify(sim.credential) });
      const sweep = await sweepHandler();
      const first = await sweep({});
      // The operator regenerates the key at Fivetran and updates the secret.
      setSimCredential('key-two', 'secret-two');
      sm.values.set(API_ARN, JSON.stringify({ apiKey: 'key-two', apiSecret: 'secret-two' }));
      sim.pauseConnection([...sim.account.connections.keys()][0] as string);

      // Act: same container, credential still cached.
      const second = await sweep({});

      // Assess
      expect(first).toMatchObject({ status: 'finished', record: { outcome: 'succeeded' } });
      expect(second).toMatchObject({
        status: 'finished',
        record: { outcome: 'succeeded', requests: { by_status: { '401': 1 } } },
      });
      expect(sm.state.reads).toBe(2);
      const stored = await openCore(table).repositories.connections.readAll();
      const paused = [...stored.values()].filter((entry) => entry.value?.paused);
      expect(paused.length).toBeGreaterThanOrEqual(1);
    });

    it('goes on with the new key when it is rotated in the middle of a sweep, deleting nothing', async () => {
      // Prepare: the key changes at Fivetran right after the groups listing.
      const sm = fakeSecretsManager({
        [API_ARN]: JSON.stringify({ apiKey: 'key-one', apiSecret: 'secret-one' }),
      });
      setSimCredential('key-one', 'secret-one');
      const sweep = await sweepHandler();
      const originalFetch = globalThis.fetch;
      let rotated = false;
      const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
        const answer = await originalFetch(input, init);
        if (!rotated && String(input).includes('/v1/groups')) {
          rotated = true;
          setSimCredential('key-three', 'secret-three');
          sm.values.set(API_ARN, JSON.stringify({ apiKey: 'key-three', apiSecret: 'secret-three' }));
        }
        return answer;
      });

      // Act
      const answer = await sweep({});
      spy.mockRestore();

      // Assess
      expect(rotated).toBe(true);
      expect(answer).toMatchObject({
        status: 'finished',
        record: { outcome: 'succeeded', connections_deleted: 0, requests: { by_status: { '401': 1 } } },
      });
      // (Connections left by the webhook tests above are not in this account: earlier sweeps deleted them.)
      const stored = await openCore(table).repositories.connections.readAll();
      const ours = [...sim.account.connections.keys()].map((id) => stored.get(id)?.value);
      expect(ours.every((connection) => connection?.deleted_at === null)).toBe(true);
    });

    it('fails the sweep without writing anything when Secrets Manager is down, and the next run completes', async () => {
      // Prepare
      const sm = fakeSecretsManager({ [API_ARN]: JSON.stringify(sim.credential) });
      sm.state.down = true;
      const sweep = await sweepHandler();
      const before = await openCore(table).repositories.connections.readAll();

      // Act
      const failed = await sweep({}).catch((error: unknown) => error as Error);
      const afterFailure = await openCore(table).repositories.connections.readAll();
      sm.state.down = false;
      const next = await sweep({});

      // Assess
      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).name).toBe('SweepFailedError');
      expect((failed as Error).message).toContain(API_ARN);
      expect(afterFailure.size).toBe(before.size);
      expect(next).toMatchObject({ status: 'finished', record: { outcome: 'succeeded' } });
    });
  });
});
