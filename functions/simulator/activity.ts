import type { SimConnection } from './account.ts';
import type { Random } from './prng.ts';
import type { Simulator } from './simulator.ts';
import type { SyncOutcome } from './sync-engine.ts';

const SECOND = 1_000;

/**
 * The classic demo tick: one instant sync on a random set-up connection (72 % success), now and then a
 * pause or resume. Kept as it was so the default simulator behaves the same for the same seed.
 */
export async function classicTick(sim: Simulator, random: Random): Promise<void> {
  const candidates = [...sim.account.connections.values()].filter(
    (c) => c.status.setup_state !== 'incomplete',
  );
  if (candidates.length === 0) return;
  const connection = random.pick(candidates);
  // Paused connections come back soon and few get paused, so the demo account stays mostly running.
  if (connection.paused) {
    if (random.chance(0.3)) sim.resumeConnection(connection.id);
    return;
  }
  if (random.chance(0.01)) {
    sim.pauseConnection(connection.id);
    return;
  }
  const draw = random.next();
  const outcome: SyncOutcome =
    draw < 0.72 ? 'SUCCESSFUL' : draw < 0.84 ? 'FAILURE' : draw < 0.92 ? 'FAILURE_WITH_TASK' : 'RESCHEDULED';
  await sim.runSync(connection.id, outcome);
}

/** Outcomes cluster where real ones do: troubled connectors mostly fail, healthy ones mostly succeed. */
function drawOutcome(connection: SimConnection, random: Random): SyncOutcome {
  const draw = random.next();
  if (connection.status.setup_state === 'broken') {
    return draw < 0.6 ? 'FAILURE_WITH_TASK' : draw < 0.9 ? 'FAILURE' : 'SUCCESSFUL';
  }
  if (connection.sim.troubled) {
    return draw < 0.5 ? 'FAILURE' : draw < 0.7 ? 'FAILURE_WITH_TASK' : 'SUCCESSFUL';
  }
  // `FAILED` was seen live just before a successful automatic retry.
  return draw < 0.93 ? 'SUCCESSFUL' : draw < 0.96 ? 'FAILURE' : draw < 0.98 ? 'FAILED' : 'RESCHEDULED';
}

/**
 * Sync durations scaled so the demo stays lively (a real minute is about a demo second): incremental
 * syncs 2–20 s, a historical (first) sync 30–50 s.
 */
export function demoDurationMs(connection: SimConnection, random: Random): number {
  return connection.status.is_historical_sync ? random.int(30, 50) * SECOND : random.int(2, 20) * SECOND;
}

/** Timer mode with durations: historical first syncs start at once, so the demo shows one within a minute. */
export function startHistoricalSyncs(sim: Simulator, random: Random): void {
  for (const connection of sim.account.connections.values()) {
    const waiting =
      connection.status.setup_state === 'connected' &&
      connection.status.is_historical_sync &&
      connection.succeeded_at === null &&
      !connection.paused &&
      !sim.isSyncing(connection.id);
    if (waiting) sim.startTimedSync(connection.id, demoDurationMs(connection, random), 'SUCCESSFUL');
  }
}

/**
 * The real-world demo tick: syncs that last seconds (several at once), failures clustered on the troubled
 * connectors, a new connection now and then finishing its setup (then its historical sync), setup tests
 * that fail and recover (`connection_failure` / `connection_successful`), edits (`edit_connector`), and one
 * connection left alone so it goes late.
 */
export function realisticTick(sim: Simulator, random: Random): void {
  const all = [...sim.account.connections.values()];
  const waitingSetup = all.filter((c) => c.status.setup_state === 'incomplete');
  if (waitingSetup.length > 0 && random.chance(0.05)) {
    const connection = random.pick(waitingSetup);
    sim.repairSetup(connection.id);
    if (!connection.paused)
      sim.startTimedSync(connection.id, demoDurationMs(connection, random), 'SUCCESSFUL');
    return;
  }
  const candidates = all.filter(
    (c) => c.status.setup_state !== 'incomplete' && !c.sim.idle && !sim.isSyncing(c.id),
  );
  if (candidates.length === 0) return;
  const connection = random.pick(candidates);
  if (connection.paused) {
    if (random.chance(0.3)) sim.resumeConnection(connection.id);
    return;
  }
  const draw = random.next();
  if (draw < 0.01) {
    sim.pauseConnection(connection.id);
    return;
  }
  if (draw < 0.03) {
    const frequency = random.pick([15, 30, 60, 180, 360]);
    sim.updateConnection(connection.id, { sync_frequency: frequency, daily_sync_time: null });
    return;
  }
  if (draw < 0.06 && connection.sim.troubled) {
    sim.failSetup(connection.id);
    return;
  }
  sim.startTimedSync(connection.id, demoDurationMs(connection, random), drawOutcome(connection, random));
}
