import type { FivetranCredential } from '#commons/config/fivetran-settings';
import { FivetranClient } from '#commons/fivetran/client';
import type { WebhookRegistrationRepository } from '#commons/store/repositories/webhook-registration';
import { WEBHOOK_EVENTS } from '#commons/webhook-secret/webhook-registration';
import { type Simulator, startSimulator } from '../simulator/simulator.ts';

/** The demo account: big enough to look like a real one, small enough to sweep in a moment. */
export const DEMO_ACCOUNT = { seed: 'demo', groups: 4, connections: 40, syncEveryMs: 3_000 } as const;

export interface DemoAccount {
  readonly sim: Simulator;
  readonly apiUrl: string;
  readonly credential: FivetranCredential;
  readonly credentialName: string;
  readonly webhookId: string;
  /** Stops the simulated syncs and the simulator (deliveries in flight are dropped). */
  close(): Promise<void>;
}

export interface DemoOptions {
  readonly webhookRegistration: WebhookRegistrationRepository;
  /** The local server's webhook URL and the secret it verifies with. */
  readonly webhookUrl: string;
  readonly webhookSecret: string;
  /** A simulated sync every this many ms (default 3 s); null: none (tests drive syncs themselves). */
  readonly syncEveryMs?: number | null;
  readonly groups?: number;
  readonly connections?: number;
}

/**
 * Demo mode: the built-in Fivetran simulator on a free loopback port as the account, with our webhook
 * registered at it exactly as `webhook register` would at Fivetran (the simulator sends the creation probe
 * first, then signed events), and simulated syncs that succeed and fail every few seconds.
 */
export async function startDemoAccount(options: DemoOptions): Promise<DemoAccount> {
  const sim = await startSimulator({
    seed: DEMO_ACCOUNT.seed,
    groups: options.groups ?? DEMO_ACCOUNT.groups,
    connections: options.connections ?? DEMO_ACCOUNT.connections,
    host: '127.0.0.1',
    port: 0,
    // The demo behaves like a real account: odd shapes, new connections pending, syncs that take seconds.
    quirks: true,
  });
  try {
    const credentialName = 'the demo credential (simulator only)';
    const client = new FivetranClient({ baseUrl: sim.url, credential: sim.credential, credentialName });
    const webhook = await client.createAccountWebhook({
      url: options.webhookUrl,
      events: WEBHOOK_EVENTS,
      secret: options.webhookSecret,
      active: true,
    });
    await options.webhookRegistration.save({
      webhook_id: webhook.id,
      url: webhook.url ?? options.webhookUrl,
      registered_at: webhook.created_at ?? new Date().toISOString(),
      group_id: null,
    });
    const every = options.syncEveryMs === undefined ? DEMO_ACCOUNT.syncEveryMs : options.syncEveryMs;
    if (every !== null) sim.startActivity(every);
    return {
      sim,
      apiUrl: sim.url,
      credential: sim.credential,
      credentialName,
      webhookId: webhook.id,
      close: () => sim.close(),
    };
  } catch (error) {
    await sim.close().catch(() => {});
    throw error;
  }
}
