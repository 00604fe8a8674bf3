import { createIngestRepositories } from './ingest-repositories.ts';
import { createLineageRepositories } from './lineage-repositories.ts';
import type { AccountStatsRepository } from './repositories/account-stats.ts';
import {
  type AccountSyncStatsRepository,
  accountSyncStatsRepository,
} from './repositories/account-sync-stats.ts';
import type { AlertChangeRecorder } from './repositories/alert-inbox.ts';
import { type AlertInboxRepository, alertInboxRepository } from './repositories/alert-inbox-reader.ts';
import { type AlertOutboxRepository, alertOutboxRepository } from './repositories/alert-outbox.ts';
import { type AlertStateRepository, alertStateRepository } from './repositories/alert-states.ts';
import type { ConnectionRepository } from './repositories/connections.ts';
import type { EventRepository } from './repositories/events.ts';
import { type GroupRepository, groupRepository } from './repositories/groups.ts';
import type { HealthChangeRepository } from './repositories/health-changes.ts';
import type { LineageNamingRepository } from './repositories/lineage-naming.ts';
import type { LineageOutboxRepository } from './repositories/lineage-outbox.ts';
import type { QuarantineRepository } from './repositories/quarantine.ts';
import type { SchemaChangeRepository } from './repositories/schema-changes.ts';
import { type SchemaRepository, schemaRepository } from './repositories/schemas.ts';
import { type SweepLeaseRepository, sweepLeaseRepository } from './repositories/sweep-lease.ts';
import { type SweepRepository, sweepRepository } from './repositories/sweeps.ts';
import type { SyncRunRepository } from './repositories/sync-runs.ts';
import type { TableRepository } from './repositories/tables.ts';
import type { TransformationRepository } from './repositories/transformations.ts';
import {
  type WebhookRegistrationRepository,
  webhookRegistrationRepository,
} from './repositories/webhook-registration.ts';
import type { TableRef } from './table/table-ref.ts';

/** One repository per item kind, all over the one table: the only way the product reads or writes it. */
export interface Repositories {
  readonly table: TableRef;
  readonly connections: ConnectionRepository;
  readonly syncRuns: SyncRunRepository;
  readonly events: EventRepository;
  readonly quarantine: QuarantineRepository;
  readonly accountStats: AccountStatsRepository;
  readonly groups: GroupRepository;
  readonly schemas: SchemaRepository;
  readonly sweeps: SweepRepository;
  readonly sweepLease: SweepLeaseRepository;
  readonly webhookRegistration: WebhookRegistrationRepository;
  readonly healthChanges: HealthChangeRepository;
  /** The account's 7-day run figures, summed by the sweep. */
  readonly accountSyncStats: AccountSyncStatsRepository;
  /** Health changes kept for the alert pass (the push path writes them), and that pass's own items. */
  readonly alertChanges: AlertChangeRecorder;
  readonly alertInbox: AlertInboxRepository;
  readonly alertOutbox: AlertOutboxRepository;
  readonly alertStates: AlertStateRepository;
  /** Destination tables, one item each, and what each sweep saw change in them. */
  readonly tables: TableRepository;
  readonly schemaChanges: SchemaChangeRepository;
  readonly transformations: TransformationRepository;
  /** OpenLineage: the outbox events wait in, and the naming facts datasets are named from. */
  readonly lineageOutbox: LineageOutboxRepository;
  readonly lineageNaming: LineageNamingRepository;
}

export type { IngestRepositories } from './ingest-repositories.ts';
export type { LineageRepositories } from './lineage-repositories.ts';

export interface RepositoryOptions {
  /** Raw events, quarantined bodies and sync runs expire this long after their last write. */
  readonly retentionDays: number;
  readonly now?: () => number;
  /** Read-modify-write attempts before giving up with StoreConflictError (the caller answers 503). */
  readonly maxAttempts?: number;
}

export function createRepositories(table: TableRef, options: RepositoryOptions): Repositories {
  return {
    ...createIngestRepositories(table, options),
    groups: groupRepository(table),
    schemas: schemaRepository(table),
    sweeps: sweepRepository(table),
    sweepLease: sweepLeaseRepository(table),
    webhookRegistration: webhookRegistrationRepository(table),
    accountSyncStats: accountSyncStatsRepository(table),
    alertInbox: alertInboxRepository(table),
    alertOutbox: alertOutboxRepository(table),
    alertStates: alertStateRepository(table),
    ...createLineageRepositories(table, options),
  };
}
