import { type HealthChangeEntry, recentHealthChanges } from '../alerts/health-change-log.ts';
import type { Health } from '../health.ts';
import { getRegisteredWebhook, type RegisteredWebhook } from '../store/registered-webhook.ts';
import type { Store } from '../store/store.ts';
import type { SweepRecord } from '../store/sweep-items.ts';
import type { TableRef } from '../store/table-ref.ts';
import type { CachedHealthCounts } from './health-counts.ts';
import { newestSweep } from './sweeps.ts';

/** Where the answering process runs: the demo account, a real account locally, or AWS (and `serve`). */
export const RUN_MODES = ['demo', 'live', 'deployed'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export interface Summary {
  readonly by_health: Readonly<Record<Health, number>>;
  /** Live connections (deleted ones are counted apart). */
  readonly connections_total: number;
  readonly connections_deleted: number;
  /** When the counts were taken (they are kept a few seconds; see `cachedHealthCounts`). */
  readonly counted_at: string;
  readonly last_webhook_at: string | null;
  /** The newest sweep record (a `running` one whose lease expired shows as `failed`). */
  readonly last_sweep: SweepRecord | null;
  readonly events_quarantined: number;
  readonly probes_answered: number;
  /** Whether Fivetran still has our webhook active, as the last sweep saw it; null when unknown or none. */
  readonly webhook_active: boolean | null;
  /** The webhook `webhook register` created (never its secret), or null. */
  readonly registered_webhook: RegisteredWebhook | null;
  /** The last health changes, newest first. */
  readonly recent_health_changes: readonly HealthChangeEntry[];
  readonly mode: RunMode | null;
  readonly generated_at: string;
}

export interface SummaryDeps {
  readonly table: TableRef;
  readonly counts: CachedHealthCounts;
  readonly store: Store;
  readonly mode: RunMode | null;
  readonly now: () => number;
}

/** The account at a glance: the health counts plus a handful of small reads, run at once. */
export async function readSummary(deps: SummaryDeps): Promise<Summary> {
  const { table, store, now } = deps;
  const [counts, stats, lastSweep, registered, changes] = await Promise.all([
    deps.counts.read(),
    store.getStats(),
    newestSweep(table, now),
    getRegisteredWebhook(table),
    recentHealthChanges(table),
  ]);
  return {
    by_health: counts.by_health,
    connections_total: counts.total,
    connections_deleted: counts.deleted,
    counted_at: counts.counted_at,
    last_webhook_at: stats.last_webhook_at,
    last_sweep: lastSweep,
    events_quarantined: stats.events_quarantined,
    probes_answered: stats.probes_answered,
    webhook_active: registered?.active ?? null,
    registered_webhook: registered,
    recent_health_changes: changes,
    mode: deps.mode,
    generated_at: new Date(now()).toISOString(),
  };
}
