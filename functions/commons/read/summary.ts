import * as z from 'zod';
import { HEALTH_VALUES, type Health } from '../connection/health.ts';
import { accountSyncStatsSchema } from '../store/repositories/account-sync-stats.ts';
import { healthChangeEntrySchema } from '../store/repositories/health-changes.ts';
import { sweepRecordSchema } from '../store/repositories/sweeps.ts';
import { registeredWebhookSchema } from '../store/repositories/webhook-registration.ts';
import type { Repositories } from '../store/repositories.ts';
import type { CachedHealthCounts } from './health-counts.ts';
import { newestSweep } from './sweeps.ts';

/** Where the answering process runs: the demo account, a real account locally, or AWS (and `serve`). */
export const RUN_MODES = ['demo', 'live', 'deployed'] as const;
export type RunMode = (typeof RUN_MODES)[number];

const count = z.number().int();
const instant = z.string().describe('ISO-8601 instant');

/** `GET /api/summary`: the account at a glance. */
export const summarySchema = z.strictObject({
  by_health: z.strictObject(
    Object.fromEntries(HEALTH_VALUES.map((health) => [health, count])) as {
      [K in Health]: typeof count;
    },
  ),
  connections_total: count.describe('Live connections (not deleted)'),
  connections_deleted: count,
  counted_at: instant.describe('When the counts were taken (kept a few seconds)'),
  last_webhook_at: instant.nullable(),
  last_sweep: z
    .nullable(sweepRecordSchema)
    .describe('The newest sweep; a running one whose lease expired shows failed'),
  events_quarantined: count,
  probes_answered: count,
  webhook_active: z
    .boolean()
    .nullable()
    .describe('Whether Fivetran still has our webhook active, as the last sweep saw it'),
  registered_webhook: z.nullable(registeredWebhookSchema).describe('The webhook `webhook register` created'),
  recent_health_changes: z.array(healthChangeEntrySchema).describe('The last health changes, newest first'),
  sync_stats: z
    .nullable(accountSyncStatsSchema)
    .describe(
      'Sync runs of the last 7 days over the account (success rate, the slowest connections by p95), as the ' +
        'newest sweep summed them from each connection; null until a sweep did',
    ),
  mode: z.enum(RUN_MODES).nullable(),
  generated_at: instant,
});
export type Summary = z.infer<typeof summarySchema>;

export interface SummaryDeps {
  readonly repositories: Repositories;
  readonly counts: CachedHealthCounts;
  readonly mode: RunMode | null;
  readonly now: () => number;
}

/** The account at a glance: the health counts plus a handful of small reads, run at once. */
export async function readSummary(deps: SummaryDeps): Promise<Summary> {
  const { repositories: repos, now } = deps;
  const [counts, stats, lastSweep, registered, changes, syncStats] = await Promise.all([
    deps.counts.read(),
    repos.accountStats.get(),
    newestSweep(repos, now),
    repos.webhookRegistration.get(),
    repos.healthChanges.recent(),
    repos.accountSyncStats.get(),
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
    sync_stats: syncStats,
    mode: deps.mode,
    generated_at: new Date(now()).toISOString(),
  };
}
