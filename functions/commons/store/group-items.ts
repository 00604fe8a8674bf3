import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalJson } from '../webhook/canonical-json.ts';
import { ALL_GROUPS, groupKey, SCHEMA_VERSION } from './keys.ts';
import { queryPartition } from './query-all.ts';
import type { TableRef } from './table-ref.ts';
import type { StoredItem } from './versioned-update.ts';

/** A group's destination as the group item keeps it (Fivetran's field names; `setup_status` upper-case). */
export interface GroupDestination {
  readonly id: string;
  readonly service: string | null;
  readonly region: string | null;
  readonly setup_status: string | null;
  readonly time_zone_offset: string | null;
}

/** A group item: a group and its destination (they share the id), from the sweep. */
export interface GroupRecord {
  readonly id: string;
  readonly name: string | null;
  readonly created_at: string | null;
  /** Null when the group has no destination (or the key cannot see it). */
  readonly destination: GroupDestination | null;
  readonly updated_at: string;
  readonly schema_version: number;
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function groupItem(group: GroupRecord): StoredItem {
  return {
    ...group,
    ...groupKey(group.id),
    kind: 'group',
    gsi1pk: ALL_GROUPS,
    gsi1sk: group.id,
    schema_version: SCHEMA_VERSION,
  };
}

export function decodeGroupRecord(item: StoredItem): GroupRecord {
  const destination = item.destination as Record<string, unknown> | null | undefined;
  return {
    id: String(item.id),
    name: str(item.name),
    created_at: str(item.created_at),
    destination:
      destination && typeof destination === 'object' && typeof destination.id === 'string'
        ? {
            id: destination.id,
            service: str(destination.service),
            region: str(destination.region),
            setup_status: str(destination.setup_status),
            time_zone_offset: str(destination.time_zone_offset),
          }
        : null,
    updated_at: str(item.updated_at) ?? '',
    schema_version: typeof item.schema_version === 'number' ? item.schema_version : SCHEMA_VERSION,
  };
}

/** Every stored group, by id (a few queries of the `GROUPS` index partition). */
export async function readAllGroups(table: TableRef): Promise<Map<string, GroupRecord>> {
  const groups = new Map<string, GroupRecord>();
  for await (const items of queryPartition(table, { index: 'gsi1', partition: ALL_GROUPS })) {
    for (const item of items) groups.set(String(item.id), decodeGroupRecord(item));
  }
  return groups;
}

/** Same content (everything but `updated_at`/`schema_version`). */
export function sameGroup(a: Omit<GroupRecord, 'updated_at' | 'schema_version'>, b: GroupRecord): boolean {
  const content = (g: Omit<GroupRecord, 'updated_at' | 'schema_version'>) =>
    canonicalJson({ id: g.id, name: g.name, created_at: g.created_at, destination: g.destination });
  return content(a) === content(b);
}

/** Writes a group whose content changed; returns whether it wrote. */
export async function saveGroup(
  table: TableRef,
  group: Omit<GroupRecord, 'updated_at' | 'schema_version'>,
  stored: GroupRecord | undefined,
  nowIso: string,
): Promise<boolean> {
  if (stored && sameGroup(group, stored)) return false;
  const record: GroupRecord = { ...group, updated_at: nowIso, schema_version: SCHEMA_VERSION };
  await table.client.send(new PutCommand({ TableName: table.tableName, Item: groupItem(record) }));
  return true;
}
