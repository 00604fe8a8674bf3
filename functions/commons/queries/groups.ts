import { decodeGroupRecord, type GroupDestination } from '../store/group-items.ts';
import { ALL_GROUPS } from '../store/keys.ts';
import { indexNamed, type Page, type PageRequest, queryPage } from '../store/query-page.ts';
import type { TableRef } from '../store/table-ref.ts';
import type { StoredItem } from '../store/versioned-update.ts';

/** A group as `GET /api/groups` shows it: with its destination (null until the sweep has read one). */
export interface GroupView {
  readonly id: string;
  readonly name: string | null;
  readonly created_at: string | null;
  readonly destination: GroupDestination | null;
  readonly updated_at: string | null;
}

/** A group item (written by the sweep) in the API's shape: keys and bookkeeping dropped. */
export function groupView(item: StoredItem): GroupView {
  const group = decodeGroupRecord(item);
  return {
    id: group.id,
    name: group.name,
    created_at: group.created_at,
    destination: group.destination,
    updated_at: group.updated_at || null,
  };
}

/** Groups in id order, from their own index partition (never a scan). */
export function listGroups(table: TableRef, page: PageRequest): Promise<Page<GroupView>> {
  return queryPage(table.client, table.tableName, {
    index: indexNamed('gsi1'),
    partition: ALL_GROUPS,
    newestFirst: false,
    filter: null,
    scope: { listing: 'groups', filters: {} },
    page,
    decode: groupView,
  });
}
