import { ConfigError, integer, loadEnv } from '#commons/config/env';
import { startSimulator } from './simulator.ts';

/**
 * `npm run simulator`: a simulated Fivetran account on 127.0.0.1.
 * Env: SIMULATOR_PORT (4000), SIMULATOR_SEED (1), SIMULATOR_GROUPS (3), SIMULATOR_CONNECTIONS (24),
 * SIMULATOR_SYNC_EVERY_MS (timer mode; 0 = off, default 5000), SIMULATOR_LATENCY_MS (0),
 * SIMULATOR_QUIRKS (1: real Fivetran's odd shapes, see `SimulatorOptions.quirks`), SIMULATOR_TRIAL (1: 500 requests/h).
 */
/** `1`/`true` on, `0`/`false`/absent off; anything else is a configuration mistake. */
function flag(raw: string | undefined, name: string): boolean {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new ConfigError(`${name} must be 1 or 0`);
}

/** A number stays a number, so `SIMULATOR_SEED=5` builds the same account as `startSimulator({ seed: 5 })`. */
function seedFrom(raw: string | undefined): number | string {
  const value = raw?.trim();
  if (!value) return 1;
  return /^\d+$/.test(value) ? Number(value) : value;
}

async function main(): Promise<void> {
  const env = loadEnv();
  const sim = await startSimulator({
    port: integer(env, 'SIMULATOR_PORT', 4000, 0, 65_535),
    seed: seedFrom(env.SIMULATOR_SEED),
    groups: integer(env, 'SIMULATOR_GROUPS', 3, 0, 1_000),
    connections: integer(env, 'SIMULATOR_CONNECTIONS', 24, 0, 100_000),
    syncEveryMs: integer(env, 'SIMULATOR_SYNC_EVERY_MS', 5_000, 0, 86_400_000) || null,
    latencyMs: integer(env, 'SIMULATOR_LATENCY_MS', 0, 0, 60_000),
    quirks: flag(env.SIMULATOR_QUIRKS, 'SIMULATOR_QUIRKS'),
    trial: flag(env.SIMULATOR_TRIAL, 'SIMULATOR_TRIAL'),
  });
  const { account } = sim;
  const out = process.stdout;
  out.write(`Fivetran simulator listening on ${sim.url}\n`);
  out.write(
    `  account: ${account.accountName} (${account.groups.size} groups, ${account.connections.size} connections${sim.quirks ? ', real-world quirks on' : ''})\n`,
  );
  out.write(
    `  demo credential (fake, simulator only): key ${sim.credential.apiKey} / secret ${sim.credential.apiSecret}\n`,
  );
  out.write(
    `  try: FIVETRAN_API_URL=${sim.url} FIVETRAN_API_KEY=${sim.credential.apiKey} ` +
      `FIVETRAN_API_SECRET=${sim.credential.apiSecret} npx fivetran-metadata test-connection\n`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    out.write(`${signal}: stopping the simulator\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : String((error as Error)?.message ?? error);
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(1);
});
