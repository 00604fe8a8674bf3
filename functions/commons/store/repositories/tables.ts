import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { WorkPool } from '../../lib/work-pool.ts';
import { type DestinationTableSet, tableSetFromItems } from '../../tables/destination-tables.ts';
import type { DestinationTable, TableFilter } from '../../tables/table-item.ts';
import { AccessPatterns, tableAliasKey, tableKey, tableSetKey } from '../table/keys.ts';
import { allOf, type Filter, type Page, type PageRequest, queryPage } from '../table/query-page.ts';
import { queryPartition } from '../table/query-partition.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';
import {
  decodeTable,
  lower,
  MATCH,
  needsAlias,
  tableAliasItem,
  tableItem,
  tableNameHash,
} from './table-items.ts';
import { tableLineageReader } from './table-reader.ts';

export { decodeTable, tableAliasItem, tableItem, tableNameHash } from './table-items.ts';

/** Table writes in flight at once for one connection's set. */
const WRITES_IN_FLIGHT = 16;

const same = (a: DestinationTable, b: DestinationTable) => canonicalJson(a) === canonicalJson(b);

function equalsAny(attributes: readonly string[], value: string, name: string): Filter {
  const names: Record<string, string> = {};
  attributes.forEach((attribute, i) => {
    names[`#${name}${i}`] = attribute;
  });
  return {
    expression: attributes.map((_, i) => `#${name}${i} = :${name}`).join(' OR '),
    names,
    values: { [`:${name}`]: lower(value) },
  };
}

export interface TableRepository {
  /** The connection's stored set (all its tables, a few queries), or null when none was ever stored. */
  readSet(connectionId: string): Promise<DestinationTableSet | null>;
  /**
   * Makes the stored set `next`: puts new and changed tables, deletes the ones `next` no longer has, then
   * records the set. Nothing is written for an unchanged set. Returns the number of items put or deleted.
   */
  saveSet(previous: DestinationTableSet | null, next: DestinationTableSet): Promise<number>;
  /**
   * `GET /api/tables`: by table name when `table` is given (one partition), else one connection's, else all;
   * the other filters narrow it, matching destination or source names case-insensitively.
   */
  list(filter: TableFilter, page: PageRequest): Promise<Page<DestinationTable>>;
  /**
   * A connection's enabled tables in name order for its lineage event, read in at most `maxQueries` queries
   * (each at most 1 MB): bounded on the webhook path whatever the connection's size. `complete` is false
   * when tables were left unread.
   */
  readEnabled(
    connectionId: string,
    maxQueries: number,
  ): Promise<{ readonly tables: DestinationTable[]; readonly complete: boolean }>;
}

export function tableRepository(table: TableRef): TableRepository {
  const put = (item: StoredItem) =>
    table.client.send(new PutCommand({ TableName: table.tableName, Item: item }));
  const remove = (key: { pk: string; sk: string }) =>
    table.client.send(new DeleteCommand({ TableName: table.tableName, Key: key }));

  return {
    async readSet(connectionId) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: tableSetKey(connectionId) }),
      );
      if (!Item) return null;
      const items: DestinationTable[] = [];
      for await (const page of queryPartition(table, AccessPatterns.tablesOf(connectionId))) {
        for (const item of page) items.push(decodeTable(item));
      }
      const omitted = typeof Item.tables_omitted === 'number' ? Item.tables_omitted : 0;
      return tableSetFromItems(connectionId, items, omitted);
    },

    async saveSet(previous, next) {
      const before = new Map((previous?.tables ?? []).map((t) => [t.table_id, t]));
      let written = 0;
      // Overlapping round trips: a first fetch of 10,000 tables is 10,000 puts.
      const pool = new WorkPool(WRITES_IN_FLIGHT);
      const write = (task: () => Promise<number>) =>
        pool.add(async () => {
          const count = await task();
          written += count;
        });
      try {
        for (const current of next.tables) {
          const old = before.get(current.table_id);
          before.delete(current.table_id);
          if (old && same(old, current)) continue;
          await write(async () => {
            await put(tableItem(current));
            if (needsAlias(current)) await put(tableAliasItem(current));
            else if (old && needsAlias(old)) await remove(tableAliasKey(old.connection_id, old.table_id));
            return needsAlias(current) || (old && needsAlias(old)) ? 2 : 1;
          });
        }
        for (const gone of before.values()) {
          await write(async () => {
            await remove(tableKey(gone.connection_id, gone.table_id));
            if (needsAlias(gone)) await remove(tableAliasKey(gone.connection_id, gone.table_id));
            return 1;
          });
        }
        await pool.drain();
      } catch (error) {
        await pool.settle();
        throw error;
      }
      const sameMeta =
        previous !== null &&
        previous.tables_total === next.tables_total &&
        previous.tables_omitted === next.tables_omitted;
      if (written === 0 && sameMeta) return 0;
      // Last, so a sweep cut short mid-way compares with the previous meta next time (and heals).
      await put({
        ...tableSetKey(next.connection_id),
        kind: 'table_set',
        connection_id: next.connection_id,
        tables_total: next.tables_total,
        tables_omitted: next.tables_omitted,
        schema_version: SCHEMA_VERSION,
      });
      return written + 1;
    },

    readEnabled: tableLineageReader(table).readEnabled,

    list(filter, page) {
      const { connection_id, schema, table: tableName } = filter;
      const pattern = tableName
        ? AccessPatterns.tablesNamed(tableNameHash(tableName))
        : connection_id
          ? AccessPatterns.tablesOf(connection_id)
          : AccessPatterns.allTables();
      const conditions = allOf([
        tableName ? equalsAny([MATCH.destinationTable, MATCH.sourceTable], tableName, 't') : null,
        schema ? equalsAny([MATCH.destinationSchema, MATCH.sourceSchema], schema, 's') : null,
        connection_id && tableName
          ? { expression: '#c = :c', names: { '#c': 'connection_id' }, values: { ':c': connection_id } }
          : null,
      ]);
      return queryPage(table, {
        pattern,
        newestFirst: false,
        filter: conditions,
        scope: {
          listing: 'tables',
          filters: { connection_id, schema: schema && lower(schema), table: tableName && lower(tableName) },
        },
        page,
        decode: decodeTable,
      });
    },
  };
}
