import { FivetranClient, type FivetranClientOptions } from '#commons/fivetran/client';
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../functions/simulator/simulator.ts';

export const CREDENTIAL_NAME = 'FIVETRAN_API_KEY/FIVETRAN_API_SECRET';

export interface Harness {
  readonly sim: Simulator;
  readonly client: FivetranClient;
  /** Every delay the client asked for, in ms (nothing really waits). */
  readonly sleeps: number[];
}

/** A simulator on a free port and a client pointed at it, with sleeps recorded instead of waited. */
export async function startHarness(
  simOptions: SimulatorOptions = {},
  clientOptions: Partial<FivetranClientOptions> = {},
): Promise<Harness> {
  const sim = await startSimulator({ seed: 7, groups: 2, connections: 12, ...simOptions });
  const sleeps: number[] = [];
  const client = new FivetranClient({
    baseUrl: sim.url,
    credential: sim.credential,
    credentialName: CREDENTIAL_NAME,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...clientOptions,
  });
  return { sim, client, sleeps };
}
