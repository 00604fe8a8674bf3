import { type ConnectionWriter, connectionWriter } from '#commons/ingest/connection-writer';
import type { HealthNotifier } from '#commons/ingest/health-notifier';
import { type EventRecorder, eventRecorder } from '#commons/ingest/record-event';
import { productEventObserver } from '#commons/lineage/event-observers';
import { createRepositories, type Repositories, type RepositoryOptions } from '#commons/store/repositories';
import type { TableRef } from '#commons/store/table/table-ref';

/** The core's write side over one table, wired as the shells wire it. */
export interface Core {
  readonly repositories: Repositories;
  readonly writer: ConnectionWriter;
  readonly recorder: EventRecorder;
}

export function openCore(
  table: TableRef,
  options: Partial<RepositoryOptions> & {
    readonly notifier?: HealthNotifier;
    /** OpenLineage on (its namespace; null: the default), as OPENLINEAGE_URL turns it on in the shells. */
    readonly openLineage?: { readonly namespace: string | null } | null;
  } = {},
): Core {
  const { notifier, openLineage, ...repositoryOptions } = options;
  const repositories = createRepositories(table, { retentionDays: 90, ...repositoryOptions });
  const writer = connectionWriter(repositories.connections, notifier ? { notifier } : {});
  const recorder = eventRecorder({
    repositories,
    writer,
    ...(repositoryOptions.now ? { now: repositoryOptions.now } : {}),
    observers: [
      productEventObserver(repositories, {
        openLineage: openLineage ?? null,
        ...(repositoryOptions.now ? { now: repositoryOptions.now } : {}),
      }),
    ],
  });
  return { repositories, writer, recorder };
}
