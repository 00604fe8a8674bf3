import type { Repositories } from '../store/repositories.ts';

export const DEAD_PROCESS_SWEEP_ERROR = 'the process running this sweep stopped before it finished';

/**
 * Local mode only: the DATA_DIR lock proves no other process can hold the sweep lease, so a lease found at
 * start was left by a process that died (SIGKILL, power loss). Release it and record its sweep `failed` at
 * once, rather than refusing every sweep until the lease expires. Returns the dead sweep's id, if any.
 */
export async function reclaimLeaseOfDeadProcess(
  repos: Pick<Repositories, 'sweepLease' | 'sweeps'>,
  nowMs: number,
): Promise<string | null> {
  const lease = await repos.sweepLease.read();
  if (lease === null) return null;
  await repos.sweepLease.release(lease.sweep_id);
  await repos.sweeps.failAbandoned(lease.sweep_id, new Date(nowMs).toISOString(), DEAD_PROCESS_SWEEP_ERROR);
  return lease.sweep_id;
}
