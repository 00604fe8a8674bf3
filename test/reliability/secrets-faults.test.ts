import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signBody } from '#commons/webhook/signature';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';
import { openCore } from '../support/core.ts';
import { lambdaContext, restEvent } from '../support/lambda-fixture.ts';
import { eventStream } from './support/event-stream.ts';
import { recordFigure } from './support/figures.ts';
import { sendLikeFivetran } from './support/fivetran-sender.ts';
import {
  API_ARN,
  fakeSecretsManager,
  storedEventIds,
  useSecretsLambdaWorld,
  WEBHOOK_ARN,
} from './support/secrets-fixture.ts';

describe('secrets faults', () => {
  const world = useSecretsLambdaWorld();

  describe('webhook Lambda, Secrets Manager unavailable', () => {
    it('answers 503 (never crashes) while it cannot read the secret, and keeps every delivery once it can', async () => {
      // Prepare: down from the cold start; back after 40 attempts.
      const secret = 'sm-outage-webhook-secret-0123456789abcdef0123';
      const sm = fakeSecretsManager({ [WEBHOOK_ARN]: secret });
      sm.state.down = true;
      const handler = await world.webhookHandler();
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
      const stored = await storedEventIds(world.table);
      for (const id of stream.eventIds) expect(stored.has(id)).toBe(true);
    });

    it('keeps accepting deliveries from its cache while Secrets Manager is down after a warm start', async () => {
      // Prepare
      const secret = 'sm-cached-webhook-secret-0123456789abcdef0123';
      const sm = fakeSecretsManager({ [WEBHOOK_ARN]: secret });
      const handler = await world.webhookHandler();
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
      const stored = await openCore(world.table).repositories.connections.readAll();
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
      const stored = await openCore(world.table).repositories.connections.readAll();
      const ours = [...sim.account.connections.keys()].map((id) => stored.get(id)?.value);
      expect(ours.every((connection) => connection?.deleted_at === null)).toBe(true);
    });

    it('fails the sweep without writing anything when Secrets Manager is down, and the next run completes', async () => {
      // Prepare
      const sm = fakeSecretsManager({ [API_ARN]: JSON.stringify(sim.credential) });
      sm.state.down = true;
      const sweep = await sweepHandler();
      const before = await openCore(world.table).repositories.connections.readAll();

      // Act
      const failed = await sweep({}).catch((error: unknown) => error as Error);
      const afterFailure = await openCore(world.table).repositories.connections.readAll();
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
