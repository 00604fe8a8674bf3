import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '#commons/config/local-config';
import { createHttpApp } from '#commons/http/app';
import { type HttpServer, startHttpServer } from '#commons/http/node-server';
import type { Summary } from '#commons/read/summary';
import { signBody } from '#commons/webhook/signature';
import { fileSecretSource } from '#commons/webhook-secret/file-secret-source';
import { WEBHOOK_SECRET_FILE } from '#commons/webhook-secret/local-secret-file';
import { WEBHOOK_EVENTS } from '#commons/webhook-secret/webhook-registration';
import { type ApiAccess, dataDirAccess } from '../../functions/cli/api-access.ts';
import { EXIT_WEBHOOK_DISABLED, webhook } from '../../functions/cli/commands/webhook.ts';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';
import { type Simulator, startSimulator } from '../../functions/simulator/simulator.ts';
import { openCore } from '../support/core.ts';
import { capture, freePort } from '../support/http-fixture.ts';

/** A receiver like the local server's, reading the DATA_DIR secret file again when a signature does not match. */
async function startReceiver(
  env: Record<string, string>,
): Promise<{ access: ApiAccess; http: HttpServer; close(): Promise<void> }> {
  const config = loadLocalConfig(env);
  const access = await dataDirAccess(config, { create: true });
  const repositories = access.repositories;
  if (!repositories) throw new Error('no store');
  const initial = readFileSync(join(config.dataDir, WEBHOOK_SECRET_FILE), 'utf8').trim().split(',');
  const core = openCore(repositories.table);
  const app = createHttpApp({
    repositories: core.repositories,
    healthz: true,
    webhook: { recorder: core.recorder, secrets: fileSecretSource(config.dataDir, initial) },
  });
  const http = await startHttpServer({ app, host: config.host, port: config.port });
  return {
    access,
    http,
    close: async () => {
      await http.close();
      await access.close();
    },
  };
}

describe('CLI webhook against the simulator', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-webhook-'));
  let sim: Simulator;
  let env: Record<string, string>;
  let webhookUrl: string;
  let connectionId: string;
  const secretFile = () => readFileSync(join(dataDir, WEBHOOK_SECRET_FILE), 'utf8').trim().split(',');
  const cli = async (...args: string[]) => {
    const run = capture(env);
    const code = await webhook(args, run.io);
    return { code, out: run.out(), err: run.err() };
  };
  const ourWebhook = () => [...sim.account.webhooks.values()][0];
  const lastDeliveries = (n: number) => sim.deliveries.log.slice(-n).map((d) => [d.event, d.status]);

  beforeAll(async () => {
    sim = await startSimulator({
      seed: 'cli-webhook',
      groups: 2,
      connections: 6,
      delivery: { retryDelayMs: 5, maxAttempts: 1 },
    });
    const port = await freePort();
    webhookUrl = `http://127.0.0.1:${port}/webhooks/fivetran`;
    env = {
      FIVETRAN_API_URL: sim.url,
      FIVETRAN_API_KEY: sim.credential.apiKey,
      FIVETRAN_API_SECRET: sim.credential.apiSecret,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
    };
    connectionId = [...sim.account.connections.values()].find(
      (c) => !c.paused && c.status.setup_state === 'connected',
    )?.id as string;
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a plain-http URL that is not loopback', async () => {
    // Act
    const result = await cli('register', '--url', 'http://example.com/webhooks/fivetran');

    // Assess
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/--url must be https/);
    expect(sim.account.webhooks.size).toBe(0);
  });

  it('registers with a fresh secret stored first: the probe is answered, refused events are left out', async () => {
    // Prepare
    sim.knobs.unsupportedEvents = ['dbt_run_start'];

    // Act
    const result = await cli('register', '--url', webhookUrl);
    sim.knobs.unsupportedEvents = [];

    // Assess
    expect(result.code).toBe(0);
    const created = ourWebhook();
    expect(created).toMatchObject({ url: webhookUrl, active: true, type: 'account' });
    expect(created?.events).toEqual(WEBHOOK_EVENTS.filter((e) => e !== 'dbt_run_start'));
    const [current] = secretFile();
    expect(current).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created?.secret).toBe(current);
    expect(lastDeliveries(1)).toEqual([['test_event', 200]]);
    expect(result.err).toMatch(/Fivetran refused dbt_run_start; registered without them/);
    expect(result.out).toContain(`Registered account webhook ${created?.id}`);
    expect(result.out + result.err).not.toContain(current as string);
    // Saved where the sweep and `webhook status` look for it.
    const access = await dataDirAccess(loadLocalConfig(env), { create: false });
    const summary = await access.get<Summary>('/api/summary');
    await access.close();
    expect(summary.registered_webhook).toMatchObject({ webhook_id: created?.id, url: webhookUrl });
  });

  it('puts the stored secrets back when Fivetran cannot create the webhook, and says what to check here', async () => {
    // Prepare: a URL where nothing answers, so Fivetran's probe fails.
    const before = secretFile();
    const nowhere = `http://127.0.0.1:${await freePort()}/webhooks/fivetran`;

    // Act
    const result = await cli('register', '--url', nowhere);

    // Assess: a setup problem on our side (exit 1), not "the API is unreachable".
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /Fivetran did not create the webhook: its test request to .* failed \(.*Webhook test failed/,
    );
    expect(result.err).toMatch(
      /Check on our side: .* it does not answer this machine either \(ECONNREFUSED\)/,
    );
    expect(result.err).toMatch(/this command answers it on 127\.0\.0\.1:\d+ while it runs/);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(sim.account.webhooks.size).toBe(1);
    expect(secretFile()).toEqual(before);
  });

  describe('with the local server running', () => {
    let server: LocalServer;

    beforeAll(async () => {
      server = await startLocalServer(loadLocalConfig(env), { log: () => {} });
    });
    afterAll(async () => {
      await server.close();
    });

    it('delivers events signed with the new secret, and they verify', async () => {
      // Act
      await sim.runSync(connectionId);

      // Assess
      expect(lastDeliveries(2)).toEqual([
        ['sync_start', 200],
        ['sync_end', 200],
      ]);
      expect(await server.repositories.connections.get(connectionId)).toMatchObject({
        last_sync: { status: 'SUCCESSFUL' },
      });
    });

    it('refuses to register while the server holds DATA_DIR', async () => {
      // Act
      const result = await cli('register', '--url', webhookUrl);

      // Assess
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/holds DATA_DIR: stop it/);
      expect(sim.account.webhooks.size).toBe(1);
    });

    it('reports our webhook active; loudly disabled with exit 5; --reactivate turns it back on', async () => {
      // Act
      const active = await cli('status');
      (ourWebhook() as { active: boolean }).active = false;
      const disabled = await cli('status');
      const json = await cli('status', '--json');
      const reactivated = await cli('status', '--reactivate');

      // Assess
      expect(active.code).toBe(0);
      expect(active.out).toMatch(new RegExp(`\\* ${ourWebhook()?.id}\\s+active`));
      expect(disabled.code).toBe(EXIT_WEBHOOK_DISABLED);
      expect(disabled.err).toMatch(/our webhook .* is DISABLED at Fivetran.*webhook status --reactivate/);
      expect(JSON.parse(json.out)).toMatchObject({
        ok: false,
        registered_webhook_id: ourWebhook()?.id,
        problem: expect.any(String),
      });
      expect(reactivated.code).toBe(0);
      expect(reactivated.out).toMatch(/Re-activated/);
      expect(ourWebhook()?.active).toBe(true);
      expect(lastDeliveries(1)).toEqual([['test_event', 200]]);
    });
  });

  describe('rotating the secret with a receiver running', () => {
    let receiver: Awaited<ReturnType<typeof startReceiver>>;

    beforeAll(async () => {
      receiver = await startReceiver(env);
    });
    afterAll(async () => {
      await receiver.close();
    });

    const deliverSignedWith = async (secret: string, created: string) => {
      const body = JSON.stringify({
        event: 'sync_end',
        created,
        connector_type: 'postgres',
        connector_id: connectionId,
        connector_name: 'x',
        sync_id: `retry-${created}`,
        destination_group_id: 'g',
        data: { status: 'SUCCESSFUL' },
      });
      const response = await fetch(webhookUrl, {
        method: 'POST',
        body,
        headers: { 'X-Fivetran-Signature-256': signBody(body, secret) },
      });
      return response.status;
    };

    it('loses no event: during the rotation both secrets verify; after --finish only the new one', async () => {
      // Prepare
      const [old] = secretFile();

      // Act
      const rotated = await cli('rotate-secret');
      const [fresh, previous] = secretFile();
      const lateRetry = await deliverSignedWith(old as string, '2026-06-01T10:00:00.000Z');
      await sim.runSync(connectionId);
      const finished = await cli('rotate-secret', '--finish');
      const afterFinish = secretFile();
      const staleAfterFinish = await deliverSignedWith(old as string, '2026-06-01T11:00:00.000Z');
      await sim.runSync(connectionId);

      // Assess
      expect(rotated.code).toBe(0);
      expect(rotated.out).toMatch(/rotate-secret --finish/);
      expect(fresh).not.toBe(old);
      expect(previous).toBe(old);
      expect(ourWebhook()?.secret).toBe(fresh);
      expect(lateRetry).toBe(200);
      expect(finished.code).toBe(0);
      expect(afterFinish).toEqual([fresh]);
      expect(staleAfterFinish).toBe(401);
      expect(lastDeliveries(4)).toEqual([
        ['sync_start', 200],
        ['sync_end', 200],
        ['sync_start', 200],
        ['sync_end', 200],
      ]);
    });

    it('refuses a second rotation before --finish (it would drop a secret Fivetran may retry with), unless --force', async () => {
      // Prepare: a rotation under way.
      expect((await cli('rotate-secret')).code).toBe(0);
      const during = secretFile();

      // Act
      const again = await cli('rotate-secret');
      const unchanged = secretFile();
      const forced = await cli('rotate-secret', '--force');
      const afterForce = secretFile();
      await cli('rotate-secret', '--finish');

      // Assess
      expect(during).toHaveLength(2);
      expect(again.code).toBe(1);
      expect(again.err.trim().split('\n')).toHaveLength(1);
      expect(again.err).toMatch(/previous rotation is not finished.*--finish.*--force/);
      expect(unchanged).toEqual(during);
      expect(forced.code).toBe(0);
      expect(afterForce[1]).toBe(during[0]);
      expect(afterForce).not.toContain(during[1]);
      expect(ourWebhook()?.secret).toBe(afterForce[0]);
    });
  });
});
