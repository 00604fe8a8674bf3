import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import {
  type TransformationView,
  transformationViewSchema,
  unknownTransformation,
} from '../../lineage/transformation-record.ts';
import { AccessPatterns, indexEntry, transformationKey } from '../table/keys.ts';
import { type Page, type PageRequest, queryPage } from '../table/query-page.ts';
import type { TableRef } from '../table/table-ref.ts';
import { versionedItems } from '../table/versioned-items.ts';
import type { KnownItem, StoredItem, VersionedResult } from '../table/versioned-update.ts';

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
    ...unknownTransformation(String(item.id ?? ''), null),
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
  return {
    ...versionedItems(table, options, {
      key: transformationKey,
      decode: decodeTransformation,
      toItem: transformationItem,
      listing: AccessPatterns.allTransformations,
    }),

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
