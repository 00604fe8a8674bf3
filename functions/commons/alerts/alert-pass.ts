import type { GroupRecord } from '../store/repositories/groups.ts';
import type { Repositories } from '../store/repositories.ts';
import { type AlertClockReport, runAlertClock, tableSnapshots } from './alert-clock.ts';
import type { AlertConfig } from './alert-config.ts';
import { type DeliveryReport, type DeliverySettings, deliverDueAlerts } from './alert-deliverer.ts';
import type { AlertLogger } from './alert-model.ts';
import { type PlanChangesReport, planRecordedChanges } from './alert-planner.ts';
import { tableAlertOutbox } from './table-alert-outbox.ts';

/**
 * One alert pass over the table, the same locally (a timer in the server) and deployed (the alerts function,
 * every minute): plan the health changes the writers kept, add what the clock sends (digest, pause
 * reminders), deliver what is due, and say how late the oldest undelivered alert is (the alarm's metric).
 */
export interface AlertPassDeps {
  readonly repositories: Pick<
    Repositories,
    'alertInbox' | 'alertOutbox' | 'alertStates' | 'connections' | 'groups'
  >;
  readonly config: AlertConfig;
  readonly logger: AlertLogger;
  readonly now?: () => Date;
  readonly fetch?: typeof fetch;
  readonly delivery?: Partial<DeliverySettings>;
  /** Milliseconds the caller may still spend (a Lambda's remaining time). */
  readonly remainingMs?: () => number;
  readonly settleMs?: number;
  /** Fivetran's web app, for links (tests point it elsewhere). */
  readonly fivetranAppUrl?: string;
}

export interface AlertPassReport {
  readonly planning: PlanChangesReport;
  readonly clock: AlertClockReport;
  readonly delivery: DeliveryReport;
  /** Seconds the most overdue pending alert has waited past its due time (0: none overdue). */
  readonly oldestPendingSeconds: number;
}

export async function runAlertPass(deps: AlertPassDeps): Promise<AlertPassReport> {
  const now = deps.now ?? (() => new Date());
  const { repositories, config, logger } = deps;
  const outbox = tableAlertOutbox(repositories.alertOutbox, logger);
  let groups: Promise<ReadonlyMap<string, GroupRecord>> | null = null;
  const readGroups = () => {
    groups ??= repositories.groups.readAll();
    return groups;
  };

  const planning = await planRecordedChanges({
    inbox: repositories.alertInbox,
    states: repositories.alertStates,
    outbox,
    config,
    groups: readGroups,
    logger,
    now,
    ...(deps.settleMs !== undefined ? { settleMs: deps.settleMs } : {}),
  });
  const clock = await runAlertClock({
    snapshots: tableSnapshots(repositories.connections, readGroups),
    outbox,
    config,
    now,
  });
  // Also with no channel left configured: what is still queued for one is then dropped (and said once).
  const delivery = await deliverDueAlerts({
    outbox,
    channels: config.channels,
    links: {
      dashboardUrl: config.dashboardUrl,
      ...(deps.fivetranAppUrl ? { fivetranAppUrl: deps.fivetranAppUrl } : {}),
    },
    logger,
    now,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.delivery ? { settings: deps.delivery } : {}),
    ...(deps.remainingMs ? { remainingMs: deps.remainingMs } : {}),
  });
  const oldest = await repositories.alertOutbox.oldestPending();
  const overdueMs = oldest ? now().getTime() - Date.parse(oldest.due_at) : 0;
  return { planning, clock, delivery, oldestPendingSeconds: Math.max(0, Math.floor(overdueMs / 1000)) };
}
