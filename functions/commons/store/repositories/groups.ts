import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { type infer as Infer, nullable, number, object, strictObject, string } from 'zod/mini';
import { canonicalJson } from '../../lib/canonical-json.ts';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import { AccessPatterns, groupKey, indexEntry } from '../table/keys.ts';
import { type Page, type PageRequest, queryPage } from '../table/query-page.ts';
import { queryPartition } from '../table/query-partition.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';

const text = nullable(string());

/** A group's destination as the group item keeps it (Fivetran's field names). */
export const groupDestinationSchema = strictObject({
  id: string(),
  service: text,
  region: text,
  setup_status: text,
  time_zone_offset: text,
});
export type GroupDestination = Infer<typeof groupDestinationSchema>;

const groupViewShape = {
  id: string(),
  name: text,
  created_at: text,
  /** Null when the group has no destination (or the key cannot see it). */
  destination: nullable(groupDestinationSchema),
  updated_at: text,
};
/** A group as `GET /api/groups` shows it: with its destination, null until the sweep has read one. */
export const groupViewSchema = strictObject(groupViewShape);
export type GroupView = Infer<typeof groupViewSchema>;

/** A group item: a group and its destination (they share the id), from the sweep. */
const groupShape = { ...groupViewShape, updated_at: string(), schema_version: number() };
export const groupSchema = object(groupShape);
export type GroupRecord = Infer<typeof groupSchema>;
export type GroupContent = Omit<GroupRecord, 'updated_at' | 'schema_version'>;

export function groupItem(record: GroupRecord): StoredItem {
  return {
    ...record,
    ...groupKey(record.id),
    kind: 'group',
    ...indexEntry(AccessPatterns.allGroups(), record.id),
  };
}

export function decodeGroup(item: StoredItem): GroupRecord {
  const fallback: GroupRecord = {
    id: String(item.id),
    name: null,
    created_at: null,
    destination: null,
    updated_at: '',
    schema_version: SCHEMA_VERSION,
  };
  return readFields(groupShape, item, fallback).value;
}

export function groupView(group: GroupRecord): GroupView {
  return {
    id: group.id,
    name: group.name,
    created_at: group.created_at,
    destination: group.destination,
    updated_at: group.updated_at || null,
  };
}

const content = (g: GroupContent) =>
  canonicalJson({ id: g.id, name: g.name, created_at: g.created_at, destination: g.destination });

export interface GroupRepository {
  /** Every stored group, by id (a few queries). */
  readAll(): Promise<Map<string, GroupRecord>>;
  /** Writes a group whose content differs from `stored`; returns whether it wrote. */
  save(group: GroupContent, stored: GroupRecord | undefined, nowIso: string): Promise<boolean>;
  /** Groups in id order. */
  list(page: PageRequest): Promise<Page<GroupRecord>>;
}

export function groupRepository(table: TableRef): GroupRepository {
  return {
    async readAll() {
      const groups = new Map<string, GroupRecord>();
      for await (const items of queryPartition(table, AccessPatterns.allGroups())) {
        for (const item of items) groups.set(String(item.id), decodeGroup(item));
      }
      return groups;
    },

    async save(group, stored, nowIso) {
      if (stored && content(group) === content(stored)) return false;
      const record: GroupRecord = { ...group, updated_at: nowIso, schema_version: SCHEMA_VERSION };
      await table.client.send(new PutCommand({ TableName: table.tableName, Item: groupItem(record) }));
      return true;
    },

    list(page) {
      return queryPage(table, {
        pattern: AccessPatterns.allGroups(),
        newestFirst: false,
        filter: null,
        scope: { listing: 'groups', filters: {} },
        page,
        decode: decodeGroup,
      });
    },
  };
}
