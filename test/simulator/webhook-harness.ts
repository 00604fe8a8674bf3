import { afterEach } from 'vitest';
import { FivetranClient } from '#commons/fivetran/client';
import { decideWebhook } from '#commons/webhook/webhook-decision';
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../functions/simulator/simulator.ts';
import { type Received, type Receiver, startReceiver } from './receiver.ts';

export const SECRET = 'whsec-simulated-0123456789abcdef0123';
export const EVENTS = [
  'sync_start',
  'sync_end',
  'pause_connector',
  'resume_connector',
  'create_connector',
  'delete_connector',
];

let sim: Simulator | undefined;
let receiver: Receiver | undefined;

/** Closes what `setUp` started after each test of the file that calls this. */
export function closeAfterEach(): void {
  afterEach(async () => {
    await sim?.close();
    await receiver?.close();
    sim = undefined;
    receiver = undefined;
  });
}

/** A simulator (fast retries) and a receiver on 127.0.0.1, and a client for the simulator. */
export async function setUp(
  options: SimulatorOptions = {},
): Promise<{ sim: Simulator; receiver: Receiver; client: FivetranClient }> {
  sim = await startSimulator({
    seed: 21,
    groups: 2,
    connections: 12,
    delivery: { retryDelayMs: 5 },
    ...options,
  });
  receiver = await startReceiver();
  const client = new FivetranClient({ baseUrl: sim.url, credential: sim.credential, credentialName: 'X' });
  return { sim, receiver, client };
}

/** Registers an account webhook and forgets the probe, so tests see only the deliveries they cause. */
export async function register(client: FivetranClient, r: Receiver, events = EVENTS): Promise<string> {
  const webhook = await client.createAccountWebhook({ url: r.url, events, secret: SECRET });
  r.received.length = 0;
  return webhook.id;
}

export function decide(delivery: Received) {
  return decideWebhook({ body: new Uint8Array(delivery.body), headers: delivery.headers, secrets: [SECRET] });
}

export function healthyConnectionId(s: Simulator): string {
  const connection = [...s.account.connections.values()].find((c) => !c.paused);
  if (!connection) throw new Error('no unpaused connection');
  return connection.id;
}

export async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met');
}
