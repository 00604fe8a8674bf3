import type { LineageRepositories } from './lineage-repositories.ts';
import { lineageNamingRepository } from './repositories/lineage-naming.ts';
import { type LineageOutboxRepository, lineageOutboxRepository } from './repositories/lineage-outbox.ts';
import { tableLineageReader } from './repositories/table-reader.ts';
import type { TableRepository } from './repositories/tables.ts';
import { transformationRepository } from './repositories/transformations.ts';
import type { RepositoryOptions } from './repositories.ts';
import { retention } from './table/retention.ts';
import type { TableRef } from './table/table-ref.ts';

/**
 * What the event recorder's observers use (transformation status, lineage events): the full repositories
 * satisfy it, and the webhook function builds just this, in its own module, loaded only when an observer
 * first needs it (no table write or delete it never sends comes along).
 */
export interface ObserverRepositories extends Pick<LineageRepositories, 'transformations' | 'lineageNaming'> {
  readonly tables: Pick<TableRepository, 'readEnabled'>;
  readonly lineageOutbox: Pick<LineageOutboxRepository, 'enqueue'>;
}

export function createObserverRepositories(
  table: TableRef,
  options: RepositoryOptions,
): ObserverRepositories {
  return {
    tables: tableLineageReader(table),
    transformations: transformationRepository(table, { maxAttempts: options.maxAttempts ?? 30 }),
    lineageOutbox: lineageOutboxRepository(table, { retention: retention(options.retentionDays) }),
    lineageNaming: lineageNamingRepository(table),
  };
}
