import { lineageNamingRepository } from './repositories/lineage-naming.ts';
import { lineageOutboxRepository } from './repositories/lineage-outbox.ts';
import { schemaChangeRepository } from './repositories/schema-changes.ts';
import { tableRepository } from './repositories/tables.ts';
import { transformationRepository } from './repositories/transformations.ts';
import type { Repositories, RepositoryOptions } from './repositories.ts';
import { retention } from './table/retention.ts';
import type { TableRef } from './table/table-ref.ts';

/** Destination tables, schema changes, transformations and OpenLineage. */
export type LineageRepositories = Pick<
  Repositories,
  'tables' | 'schemaChanges' | 'transformations' | 'lineageOutbox' | 'lineageNaming'
>;

export function createLineageRepositories(table: TableRef, options: RepositoryOptions): LineageRepositories {
  return {
    tables: tableRepository(table),
    schemaChanges: schemaChangeRepository(table),
    transformations: transformationRepository(table, { maxAttempts: options.maxAttempts ?? 30 }),
    lineageOutbox: lineageOutboxRepository(table, { retention: retention(options.retentionDays) }),
    lineageNaming: lineageNamingRepository(table),
  };
}
