import {
  schemaChangeListSchema,
  tableListSchema,
  tablesQueryShape,
  transformationHealth,
  transformationListSchema,
} from './lineage-response-schemas.ts';
import { cursor, limit, queryObject } from './query-params.ts';
import { errorSchema } from './response-schemas.ts';

const error = (description: string) => ({ description, schema: errorSchema });
const badQuery = error('A bad filter value, or a malformed or foreign cursor');
const unavailable = error('The store is not answering; retry later');

export const tablesQuery = queryObject({ ...tablesQueryShape, limit, cursor });
export const schemaChangesQuery = queryObject({ limit, cursor });
export const transformationsQuery = queryObject({
  health: transformationHealth.optional().describe('failing, pending, delayed, paused or healthy'),
  limit,
  cursor,
});

/** Which connection feeds which table, what changed in it, and the transformations downstream. */
export const LINEAGE_ROUTES = {
  listTables: {
    method: 'GET',
    path: '/api/tables',
    operationId: 'listTables',
    summary: 'Destination tables with their connection’s freshness and health',
    description:
      '“Which connection feeds `stripe.charge`, and is it fresh?” is `?schema=stripe&table=charge`. `schema` and ' +
      '`table` match the destination or the source name, case-insensitively; `connection_id` lists one ' +
      'connection’s tables. In destination-name order.',
    query: tablesQuery,
    access: 'api',
    responses: {
      200: { description: 'One page', schema: tableListSchema },
      400: badQuery,
      503: unavailable,
    },
  },
  listSchemaChanges: {
    method: 'GET',
    path: '/api/connections/{id}/schema-changes',
    operationId: 'listSchemaChanges',
    summary: 'What each sweep saw change in the connection’s schema configuration, newest first',
    query: schemaChangesQuery,
    access: 'api',
    responses: {
      200: { description: 'One page', schema: schemaChangeListSchema },
      400: badQuery,
      404: error('No connection with this id'),
      503: unavailable,
    },
  },
  listTransformations: {
    method: 'GET',
    path: '/api/transformations',
    operationId: 'listTransformations',
    summary: 'Transformations (dbt Core, Quickstart) with their status, health and reason, in id order',
    query: transformationsQuery,
    access: 'api',
    responses: {
      200: { description: 'One page', schema: transformationListSchema },
      400: badQuery,
      503: unavailable,
    },
  },
} as const;
