import type { SyncRun } from '../connection/sync-run.ts';
import type { EventObserver } from '../ingest/record-event.ts';
import { clipText, MAX_LABEL_LENGTH } from '../lib/text.ts';
import type { ObserverRepositories } from '../store/observer-repositories.ts';
import type { FivetranEvent } from '../webhook/parse-event.ts';
import type { DestinationInfo } from './dataset-naming.ts';
import { newOutboxItem } from './outbox.ts';
import { buildSyncRunEvent, syncTransitionOf } from './run-events.ts';

/** Queries (at most 1 MB each) spent reading a connection's tables for one event: the webhook stays fast. */
export const MAX_TABLE_QUERIES = 2;
/** Until a sweep has read the account id, the default namespace says so rather than guessing. */
export const UNKNOWN_ACCOUNT = 'unknown-account';

/**
 * Whether this `sync_end` is the one its run now shows: a late, older end of a run that already ended again
 * (a failure, then a successful retry) must not become a second, stale COMPLETE/FAIL event.
 */
export function endWonRun(event: FivetranEvent, run: SyncRun | null): boolean {
  if (run === null) return false;
  const status = clipText(event.data.status, MAX_LABEL_LENGTH) ?? 'UNKNOWN';
  return run.end_as_of === event.createdAtMs && run.status === status;
}

export interface LineageObserverDeps {
  readonly repositories: Pick<ObserverRepositories, 'tables' | 'lineageOutbox' | 'lineageNaming'>;
  /** OPENLINEAGE_NAMESPACE, or null for `fivetran://<account_id>`. */
  readonly namespace: string | null;
  readonly now?: () => number;
}

/**
 * OpenLineage through the event recorder's observer port: a `sync_start` enqueues the run's START, a
 * `sync_end` that won its run's merge enqueues its COMPLETE or FAIL. The outbox id is one per run and state
 * and the put is conditional, so a redelivered webhook (the recorder re-runs observers on a duplicate)
 * enqueues nothing new. Dummy events never reach here (the recorder gives them no connection).
 */
export function lineageObserver(deps: LineageObserverDeps): EventObserver {
  const now = deps.now ?? Date.now;
  const { tables, lineageOutbox, lineageNaming } = deps.repositories;
  let accountId: string | null = null;
  return {
    async onRecorded({ event, run, connection }) {
      if (connection === null || connection.schema === null) return;
      const nowMs = now();
      const transition = syncTransitionOf(event, new Date(nowMs).toISOString());
      if (transition === null) return;
      if (transition.kind === 'end' && !endWonRun(event, run)) return;
      const groupId = connection.group_id;
      const [read, sourceNaming, destinationNaming, storedAccount] = await Promise.all([
        tables.readEnabled(connection.id, MAX_TABLE_QUERIES),
        lineageNaming.connection(connection.id),
        groupId === null ? null : lineageNaming.destination(groupId),
        accountId === null && deps.namespace === null ? lineageNaming.accountId() : accountId,
      ]);
      accountId = storedAccount ?? accountId;
      const destination: DestinationInfo | null =
        groupId !== null && destinationNaming?.service
          ? { id: groupId, service: destinationNaming.service, config: destinationNaming.config }
          : null;
      const built = buildSyncRunEvent(
        {
          accountId: accountId ?? UNKNOWN_ACCOUNT,
          namespace: deps.namespace,
          connection: {
            id: connection.id,
            schema: connection.schema,
            service: connection.service,
            group_id: groupId,
            config: sourceNaming?.config ?? null,
          },
          destination,
          tables: read.tables,
        },
        transition,
      );
      await lineageOutbox.enqueue(newOutboxItem(built, nowMs));
    },
  };
}
