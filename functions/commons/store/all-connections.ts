import type { Connection } from '../connection/connection.ts';
import { decodeConnection } from './items.ts';
import { ALL_CONNECTIONS } from './keys.ts';
import { queryPartition } from './query-all.ts';
import type { TableRef } from './table-ref.ts';
import { type KnownItem, VERSION_ATTRIBUTE } from './versioned-update.ts';

/**
 * Every stored connection (deleted ones too), by id, with its item version: what a sweep compares the
 * listing with, read from the `CONNECTIONS` index partition in ~1 MB queries rather than one read per
 * connection. The version lets a write trust this read (see `KnownItem`); the index is eventually
 * consistent, and a stale entry only costs the write a retry.
 */
export async function readAllConnections(table: TableRef): Promise<Map<string, KnownItem<Connection>>> {
  const connections = new Map<string, KnownItem<Connection>>();
  for await (const items of queryPartition(table, { index: 'gsi1', partition: ALL_CONNECTIONS })) {
    for (const item of items) {
      const connection = decodeConnection(item);
      const version = item[VERSION_ATTRIBUTE];
      connections.set(connection.id, {
        value: connection,
        version: typeof version === 'number' ? version : null,
      });
    }
  }
  return connections;
}
