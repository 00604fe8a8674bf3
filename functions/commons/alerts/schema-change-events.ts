import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { oneLine } from '../lineage/plain-text.ts';
import type { SchemaChangeNotice, SchemaChangeNotifier } from '../tables/schema-change-notifier.ts';
import { HEALTH_EVENT_SOURCE } from './eventbridge-notifier.ts';

export const SCHEMA_CHANGE_DETAIL_TYPE = 'Schema Changed';
/** Changes listed in an event; EventBridge takes 256 KB an entry, and each name may be 1,024 characters. */
export const MAX_EVENT_CHANGES = 20;

/** The detail of a `Schema Changed` event: whose, which sweep, counts by kind, and the first changes. */
export function schemaChangeDetail(notice: SchemaChangeNotice): Record<string, unknown> {
  const { record, connection } = notice;
  const byKind: Record<string, number> = {};
  for (const change of record.changes) byKind[change.kind] = (byKind[change.kind] ?? 0) + 1;
  return {
    connection_id: connection.id,
    schema: connection.schema,
    service: connection.service,
    group_id: connection.group_id,
    sweep_id: record.sweep_id,
    seen_at: record.seen_at,
    counts: byKind,
    changes_total: record.changes.length + record.changes_omitted,
    changes: record.changes.slice(0, MAX_EVENT_CHANGES),
  };
}

/** Publishes each stored schema change to the default EventBridge bus (same source as health changes). */
export function eventBridgeSchemaChangeNotifier(
  client: EventBridgeClient,
  eventBusName = 'default',
): SchemaChangeNotifier {
  return {
    async onSchemaChange(notice) {
      const result = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: eventBusName,
              Source: HEALTH_EVENT_SOURCE,
              DetailType: SCHEMA_CHANGE_DETAIL_TYPE,
              Detail: JSON.stringify(schemaChangeDetail(notice)),
              Time: new Date(notice.record.seen_at),
            },
          ],
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) {
        const entry = result.Entries?.find((e) => e.ErrorCode);
        throw new Error(`EventBridge rejected the schema change event: ${entry?.ErrorCode ?? 'unknown'}`);
      }
    },
  };
}

/** Locally: one line per stored change record. */
export function loggingSchemaChangeNotifier(log: (line: string) => void): SchemaChangeNotifier {
  return {
    onSchemaChange({ record, connection }) {
      const total = record.changes.length + record.changes_omitted;
      const kinds = Object.entries(
        schemaChangeDetail({ record, connection }).counts as Record<string, number>,
      )
        .map(([kind, n]) => `${n} ${kind}`)
        .join(', ');
      // Ids and names come from Fivetran: one line, no control characters.
      const who = oneLine(`${connection.id} (${connection.schema ?? '?'})`, 300);
      log(`schema changed: ${who}: ${total} changes (${kinds})`);
    },
  };
}
