import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import { type TransformationView, transformationViewSchema } from '../../lineage/transformation-record.ts';
import { AccessPatterns, indexEntry, transformationKey } from '../table/keys.ts';
import { type Page, type PageRequest, queryPage } from '../table/query-page.ts';
import { queryPartition } from '../table/query-partition.ts';
import type { TableRef } from '../table/table-ref.ts';
import {
  type KnownItem,
  type StoredItem,
  updateVersioned,
  VERSION_ATTRIBUTE,
  type VersionedResult,
} from '../table/versioned-update.ts';

export function transformationItem(record: TransformationView): StoredItem {
  return {
    ...record,
    kind: 'transformation',
    ...indexEntry(AccessPatterns.allTransformations(), record.id),
    schema_version: SCHEMA_VERSION,
  };
}

export function decodeTransformation(item: StoredItem): TransformationView {
  const fallback: TransformationView = {
    id: String(item.id ?? ''),
    name: null,
    type: null,
    status: null,
    paused: null,
    last_started_at: null,
    last_ended_at: null,
    connection_ids: [],
    output_model_names: [],
    output_models_omitted: 0,
    last_failure_reason: null,
    as_of: null,
    health: 'pending',
    health_reason: null,
  };
  return readFields(transformationViewSchema.shape, item, fallback).value;
}

export interface TransformationFilters {
  readonly health?: string | undefined;
}

export interface TransformationRepository {
  get(id: string): Promise<TransformationView | null>;
  /** Read-modify-write (optimistic, like connections): `plan` returns the next record or null for no change. */
  update(
    id: string,
    plan: (current: TransformationView | null) => TransformationView | null,
    known?: KnownItem<TransformationView>,
  ): Promise<VersionedResult<TransformationView>>;
  /** Every stored transformation with its version (the sweep compares before it writes). */
  readAll(): Promise<Map<string, KnownItem<TransformationView>>>;
  /** In id order; `health` narrows it. */
  list(filters: TransformationFilters, page: PageRequest): Promise<Page<TransformationView>>;
}

export function transformationRepository(
  table: TableRef,
  options: { readonly maxAttempts: number },
): TransformationRepository {
  const versioned = { ...table, maxAttempts: options.maxAttempts };
  return {
    async get(id) {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: transformationKey(id) }),
      );
      return Item ? decodeTransformation(Item) : null;
    },

    update(id, plan, known) {
      return updateVersioned(
        versioned,
        transformationKey(id),
        decodeTransformation,
        (current) => {
          const next = plan(current);
          return next === null ? null : { value: next, item: transformationItem(next) };
        },
        known,
      );
    },

    async readAll() {
      const found = new Map<string, KnownItem<TransformationView>>();
      for await (const items of queryPartition(table, AccessPatterns.allTransformations())) {
        for (const item of items) {
          const record = decodeTransformation(item);
          const version = item[VERSION_ATTRIBUTE];
          found.set(record.id, { value: record, version: typeof version === 'number' ? version : null });
        }
      }
      return found;
    },

    list(filters, page) {
      const { health } = filters;
      return queryPage(table, {
        pattern: AccessPatterns.allTransformations(),
        newestFirst: false,
        filter: health
          ? { expression: '#health = :health', names: { '#health': 'health' }, values: { ':health': health } }
          : null,
        scope: { listing: 'transformations', filters: { health } },
        page,
        decode: decodeTransformation,
      });
    },
  };
}
