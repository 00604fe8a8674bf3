import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  array,
  boolean,
  enum as enumOf,
  type infer as Infer,
  nullable,
  number,
  object,
  record,
  strictObject,
  string,
} from 'zod/mini';
import { instantKey } from '../../lib/instant.ts';
import { SCHEMA_VERSION } from '../../lib/schema-version.ts';
import { readFields } from '../../lib/tolerant-object.ts';
import { isConditionalCheckFailed } from '../table/errors.ts';
import { AccessPatterns, indexEntry, sweepKey } from '../table/keys.ts';
import { type Page, type PageRequest, queryPage } from '../table/query-page.ts';
import type { TableRef } from '../table/table-ref.ts';
import type { StoredItem } from '../table/versioned-update.ts';

/**
 * `partial` = the connection listing completed but the schema budget or time ran out; `not_configured` = the
 * API credential is still the stack's empty placeholder (recorded and counted, not an error).
 */
export const SWEEP_OUTCOMES = ['running', 'succeeded', 'partial', 'failed', 'not_configured'] as const;

/**
 * Why a sweep failed or stopped short, for programs (the CLI's exit codes, alarms); `error` says it for people.
 */
export const SWEEP_ERROR_CODES = [
  'not_configured',
  'credential_rejected',
  'permission_missing',
  'unreachable',
  'rate_limited',
  'malformed_response',
  'fivetran_error',
  'time_up',
  'abandoned',
  'store_unavailable',
  'internal',
] as const;
export type SweepErrorCode = (typeof SWEEP_ERROR_CODES)[number];

const count = number();

/** A sweep lists at most this many connections it could not write (the count is kept beside them). */
export const MAX_SKIPPED_LISTED = 20;
/** A connection the sweep could not write (its item would pass DynamoDB's limits): the sweep went on. */
export const skippedConnectionSchema = strictObject({ id: string(), reason: string() });
export type SkippedConnection = Infer<typeof skippedConnectionSchema>;

export const sweepRecordShape = {
  id: string(),
  started_at: string(),
  finished_at: nullable(string()),
  outcome: enumOf(SWEEP_OUTCOMES),
  requests: object({ total: count, by_status: record(string(), count) }),
  connections_seen: count,
  connections_written: count,
  connections_deleted: count,
  schema_fetches: count,
  items_written: count,
  /** The first 20 connections that could not be written, with why; `connections_skipped_total` counts all. */
  connections_skipped: array(skippedConnectionSchema),
  connections_skipped_total: count,
  webhook_active: nullable(boolean()),
  error: nullable(string()),
  error_code: nullable(enumOf(SWEEP_ERROR_CODES)),
  /** Items Fivetran answered that could not be read in full: the first few, and how many in all. */
  items_unreadable: array(strictObject({ endpoint: string(), id: nullable(string()), problem: string() })),
  items_unreadable_total: count,
  /** The sync-history backfill: connections due and read, requests, runs written, why it stopped. */
  history: nullable(
    strictObject({
      connections_due: count,
      connections_backfilled: count,
      requests: count,
      runs_written: count,
      note: nullable(string()),
      /** Since when Fivetran has not served the endpoint (carried on; asked again once a day); null: served. */
      unavailable_since: nullable(string()),
    }),
  ),
  /** The hourly request budget the optional requests (schemas, history) kept to; null before a listing. */
  request_budget: nullable(
    strictObject({
      per_hour: count,
      basis: enumOf(['configured', 'default', 'account_limit', 'trial']),
      optional_allowed: count,
      optional_used: count,
      limited_by: nullable(enumOf(['hourly_budget', 'rate_limit_remaining'])),
    }),
  ),
};
/** A sweep record, as the contract names its fields (strict: what `GET /api/sweeps` may answer). */
export const sweepRecordSchema = strictObject(sweepRecordShape);
export type SweepRecord = Infer<typeof sweepRecordSchema>;

export function decodeSweep(item: StoredItem): SweepRecord {
  const fallback: SweepRecord = {
    id: String(item.id),
    started_at: typeof item.started_at === 'string' ? item.started_at : new Date(0).toISOString(),
    finished_at: null,
    outcome: 'failed',
    requests: { total: 0, by_status: {} },
    connections_seen: 0,
    connections_written: 0,
    connections_deleted: 0,
    schema_fetches: 0,
    items_written: 0,
    connections_skipped: [],
    connections_skipped_total: 0,
    webhook_active: null,
    error: null,
    error_code: null,
    items_unreadable: [],
    items_unreadable_total: 0,
    history: null,
    request_budget: null,
  };
  return readFields(sweepRecordShape, item, fallback).value;
}

export interface SweepRepository {
  /** Writes a sweep record: `running` at the start, final at the end (same item). */
  put(record: SweepRecord): Promise<void>;
  /**
   * Records an abandoned sweep (its lease expired while it was still `running`) as `failed`; conditional on it
   * still being `running`, so a sweep that did finish late keeps its own outcome. Returns whether it wrote.
   */
  failAbandoned(sweepId: string, finishedAt: string, error: string): Promise<boolean>;
  /** Records newest first, as stored (see `read/sweeps.ts` for how readers show abandoned ones). */
  list(page: PageRequest): Promise<Page<SweepRecord>>;
}

export function sweepRepository(table: TableRef): SweepRepository {
  return {
    async put(record) {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            ...record,
            ...sweepKey(record.id),
            kind: 'sweep',
            ...indexEntry(
              AccessPatterns.allSweeps(),
              `${instantKey(Date.parse(record.started_at))}#${record.id}`,
            ),
            schema_version: SCHEMA_VERSION,
          },
        }),
      );
    },

    async failAbandoned(sweepId, finishedAt, error) {
      try {
        await table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: sweepKey(sweepId),
            UpdateExpression: 'SET outcome = :failed, finished_at = :at, #error = :error, error_code = :code',
            ConditionExpression: 'outcome = :running',
            ExpressionAttributeNames: { '#error': 'error' },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':running': 'running',
              ':at': finishedAt,
              ':error': error,
              ':code': 'abandoned',
            },
          }),
        );
        return true;
      } catch (failure) {
        if (isConditionalCheckFailed(failure)) return false;
        throw failure;
      }
    },

    list(page) {
      return queryPage(table, {
        pattern: AccessPatterns.allSweeps(),
        newestFirst: true,
        filter: null,
        scope: { listing: 'sweeps', filters: {} },
        page,
        decode: decodeSweep,
      });
    },
  };
}
