import type { Connection } from '../connection/connection.ts';
import type { SchemaConfig } from '../fivetran/schemas.ts';
import { deriveDestinationTables } from '../tables/destination-tables.ts';
import { diffTableSets, schemaChangeRecord } from '../tables/schema-changes.ts';
import type { SweepContext } from './sweep-context.ts';

/**
 * After a schema config was fetched: the connection's destination tables (one item each), compared with the
 * set stored before. What changed is stored as one record, then told to the notifier (the dashboard, the
 * `Schema Changed` event); only the tables that changed are written. The record is kept before the new set,
 * so a sweep cut short in between records the change again rather than losing it.
 */
export async function saveDestinationTables(
  context: SweepContext,
  connection: Connection | undefined,
  config: SchemaConfig,
): Promise<void> {
  // Without its `schema` a connection's tables cannot be named where they land; the next sweep tries again.
  if (!connection?.schema) return;
  const { tables, schemaChanges } = context.repositories;
  const source = {
    id: connection.id,
    schema: connection.schema,
    service: connection.service,
    group_id: connection.group_id,
  };
  const next = deriveDestinationTables(source, config);
  const previous = await tables.readSet(connection.id);
  const record = schemaChangeRecord(
    {
      connection_id: next.connection_id,
      sweep_id: context.id,
      seen_at: new Date(context.now()).toISOString(),
    },
    diffTableSets(previous, next),
  );
  if (record !== null) {
    await schemaChanges.append(record);
    context.tally.items_written++;
    try {
      await context.schemaChangeNotifier.onSchemaChange({ record, connection: source });
    } catch (error) {
      context.log.error(`schema change notifier failed for ${connection.id}`, {
        connection_id: connection.id,
        error,
      });
    }
  }
  // Awaited first: `tally.x += await …` would read the count before the wait and lose concurrent writes.
  const written = await tables.saveSet(previous, next);
  context.tally.items_written += written;
}
