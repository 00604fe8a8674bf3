import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import { type SchemaChangeRecord, schemaChangeRecordSchema } from '../../tables/schema-changes.ts';
import { AccessPatterns, indexEntry, schemaChangeKey } from '../table/keys.ts';
import { type Page, type PageRequest, queryPage } from '../table/query-page.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';

/** A record seen outside a sweep (none today) still needs a key part. */
const NO_SWEEP = 'none';

export function schemaChangeItem(record: SchemaChangeRecord): StoredItem {
  const sweep = record.sweep_id ?? NO_SWEEP;
  return {
    ...record,
    ...schemaChangeKey(record.connection_id, record.seen_at, sweep),
    kind: 'schema_change',
    ...indexEntry(AccessPatterns.schemaChangesOf(record.connection_id), `${record.seen_at}#${sweep}`),
    schema_version: SCHEMA_VERSION,
  };
}

export function decodeSchemaChange(item: StoredItem): SchemaChangeRecord {
  const fallback: SchemaChangeRecord = {
    connection_id: String(item.connection_id ?? ''),
    sweep_id: null,
    seen_at: new Date(0).toISOString(),
    changes: [],
    changes_omitted: 0,
  };
  return readFields(schemaChangeRecordSchema.shape, item, fallback).value;
}

export interface SchemaChangeRepository {
  /** Keeps one comparison's changes (one item, bounded by the record's own limits). */
  append(record: SchemaChangeRecord): Promise<void>;
  /** One connection's records, newest first. */
  listOfConnection(connectionId: string, page: PageRequest): Promise<Page<SchemaChangeRecord>>;
}

export function schemaChangeRepository(table: TableRef): SchemaChangeRepository {
  return {
    async append(record) {
      await table.client.send(new PutCommand({ TableName: table.tableName, Item: schemaChangeItem(record) }));
    },

    listOfConnection(connectionId, page) {
      return queryPage(table, {
        pattern: AccessPatterns.schemaChangesOf(connectionId),
        newestFirst: true,
        filter: null,
        scope: { listing: 'schema-changes', filters: { connectionId } },
        page,
        decode: decodeSchemaChange,
      });
    },
  };
}
