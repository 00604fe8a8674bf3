import { accountStatsRepository } from './repositories/account-stats.ts';
import { alertChangeRecorder } from './repositories/alert-inbox.ts';
import { connectionRepository } from './repositories/connections.ts';
import { eventRepository } from './repositories/events.ts';
import { healthChangeRepository } from './repositories/health-changes.ts';
import { quarantineRepository } from './repositories/quarantine.ts';
import { syncRunRepository } from './repositories/sync-runs.ts';
import type { Repositories, RepositoryOptions } from './repositories.ts';
import { retention } from './table/retention.ts';
import type { TableRef } from './table/table-ref.ts';

/** The repositories the push path writes through: all the webhook function needs (its bundle stays small). */
export type IngestRepositories = Pick<
  Repositories,
  | 'table'
  | 'connections'
  | 'syncRuns'
  | 'events'
  | 'quarantine'
  | 'accountStats'
  | 'healthChanges'
  | 'alertChanges'
>;

export function createIngestRepositories(table: TableRef, options: RepositoryOptions): IngestRepositories {
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? 30;
  const expiry = retention(options.retentionDays);
  return {
    table,
    connections: connectionRepository(table, { maxAttempts }),
    syncRuns: syncRunRepository(table, { maxAttempts, retention: expiry, now }),
    events: eventRepository(table, { retention: expiry, now }),
    quarantine: quarantineRepository(table, { retention: expiry, now }),
    accountStats: accountStatsRepository(table),
    healthChanges: healthChangeRepository(table),
    alertChanges: alertChangeRecorder(table),
  };
}
