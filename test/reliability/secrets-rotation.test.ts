import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FivetranClient } from '#commons/fivetran/client';
import { signBody } from '#commons/webhook/signature';
import { secretsManagerSecretStore } from '#commons/webhook-secret/secret-store';
import {
  finishRotation,
  registerWebhook,
  rotateWebhookSecret,
} from '#commons/webhook-secret/webhook-registration';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';
import { recordFigure } from './support/figures.ts';
import { type LambdaShim, type ProxyHandler, startLambdaShim } from './support/lambda-shim.ts';
import {
  eventIdsOf,
  fakeSecretsManager,
  storedEventIds,
  useSecretsLambdaWorld,
  WEBHOOK_ARN,
} from './support/secrets-fixture.ts';

describe('secrets faults: webhook secret rotation', () => {
  const world = useSecretsLambdaWorld();

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
      handler = await world.webhookHandler();

      // Act
      await rotateDuringSyncs({ spendRereadFirst: false, advanceClock: () => {} });

      // Assess
      const delivered = deliveries();
      expect(delivered.size).toBe(28 * 2);
      const statuses = [...delivered.values()].flatMap((entry) => entry.statuses);
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      expect(shim.crashes).toEqual([]);
      const stored = await storedEventIds(world.table);
      for (const id of eventIdsOf(delivered.keys())) expect(stored.has(id)).toBe(true);
    });

    it('loses no event even when the early re-read was just spent: 401s are retried until the next re-read', async () => {
      // Prepare: a clock the test moves (only Date: timers stay real).
      vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-06-01T12:00:00.000Z') });
      fakeSecretsManager({ [WEBHOOK_ARN]: '' });
      handler = await world.webhookHandler();

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
      const stored = await storedEventIds(world.table);
      for (const id of eventIdsOf(delivered.keys())) expect(stored.has(id)).toBe(true);
    });
  });
});
