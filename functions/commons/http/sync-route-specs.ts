import * as z from 'zod';
import { cursor, limit, queryObject } from './query-params.ts';
import { errorSchema, listOf, syncRunSchema } from './response-schemas.ts';

const error = (description: string) => ({ description, schema: errorSchema });

/** At most this many status words in one `status` filter. */
export const MAX_STATUS_FILTERS = 10;
const STATUS_WORD = /^[A-Za-z_]{1,64}$/;

const statuses = z
  .string()
  .max(MAX_STATUS_FILTERS * 65)
  .transform((value) => value.split(',').map((word) => word.trim().toUpperCase()))
  .pipe(
    z
      .array(z.string().regex(STATUS_WORD, 'must be status words such as SUCCESSFUL or FAILURE'))
      .min(1)
      .max(MAX_STATUS_FILTERS, `at most ${MAX_STATUS_FILTERS} status words`),
  )
  .optional()
  .describe(
    'Only runs with one of these statuses, comma-separated, any case: SUCCESSFUL, FAILURE, ' +
      'FAILURE_WITH_TASK, FAILED, RESCHEDULED, SYNCING, or any other word Fivetran sent',
  );

export const syncsQuery = queryObject({ status: statuses, limit, cursor });

export const syncRunListSchema = listOf(syncRunSchema, 'SyncRunList');

/** A connection's whole run ledger, paged. */
export const SYNC_ROUTES = {
  listConnectionSyncs: {
    method: 'GET',
    path: '/api/connections/{id}/syncs',
    operationId: 'listConnectionSyncs',
    summary:
      'The connection’s sync runs, newest first (webhooks and sync history, kept EVENT_RETENTION_DAYS)',
    description:
      'Each run: `sync_id`, `status`, `started_at`, `ended_at`, `duration_s`, `reason`, `task_type` and ' +
      '`source` (`webhook`, or `history` when only Fivetran’s sync-history endpoint told us). Ordered by start ' +
      '(by end when the start is unknown); `status` narrows to those words.',
    query: syncsQuery,
    access: 'api',
    responses: {
      200: { description: 'One page', schema: syncRunListSchema },
      400: error('A bad status word or limit, or a malformed or foreign cursor'),
      404: error('No connection with this id'),
      503: error('The store is not answering; retry later'),
    },
  },
} as const;
