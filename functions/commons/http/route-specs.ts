import type { z } from 'zod';
import { LINEAGE_ROUTES } from './lineage-route-specs.ts';
import { connectionsQueryShape, eventsQuery, pageQuery } from './query-params.ts';
import {
  apiIndexSchema,
  connectionDetailSchema,
  connectionListSchema,
  errorSchema,
  eventListSchema,
  groupListSchema,
  healthzSchema,
  openApiDocumentSchema,
  summarySchema,
  sweepBusySchema,
  sweepListSchema,
  sweepStartedSchema,
  webhookAcceptedSchema,
} from './response-schemas.ts';
import { SYNC_ROUTES } from './sync-route-specs.ts';

export interface ResponseSpec {
  readonly description: string;
  /** The body's schema (JSON unless `contentType` says otherwise); null for a text body. */
  readonly schema: z.core.$ZodType | null;
  readonly contentType?: string;
}

/** One route of the contract: how it is documented, validated and dispatched. */
export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** OpenAPI path template: `{name}` is one path segment. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly query?: z.ZodObject;
  /** `api`: under `/api/*` (bearer token locally, IAM deployed); `public`: the webhook; `local`: local shells only. */
  readonly access: 'api' | 'public' | 'local';
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

/** The key a route is found by: `GET /api/connections/{id}`. */
export const routeKey = (spec: Pick<RouteSpec, 'method' | 'path'>): string => `${spec.method} ${spec.path}`;

const error = (description: string) => ({ description, schema: errorSchema });
const badQuery = error(
  'A bad filter value (the message names the allowed values), or a malformed or foreign cursor',
);
const unavailable = error('The store is not answering; retry later');

/**
 * Every route of the contract (ARCHITECTURE.md, "Routes"), by operation id. The HTTP app serves exactly these,
 * and a handler's answer must match its route's responses (see `Reply`), checked when it compiles.
 */
export const ROUTES = {
  receiveWebhook: {
    method: 'POST',
    path: '/webhooks/fivetran',
    operationId: 'receiveWebhook',
    summary: 'Fivetran webhook delivery (signed with X-Fivetran-Signature-256)',
    description:
      'Checked in this order: 413 over 256 KiB; 401 without a valid signature (except the exact creation probe: 200); ' +
      '200 quarantined when signed but unreadable; 200 stored (also for a duplicate); 503 when the store cannot keep it.',
    access: 'public',
    responses: {
      200: {
        description: 'Kept (stored, duplicate, quarantined) or the creation probe',
        schema: webhookAcceptedSchema,
      },
      401: error('No valid signature'),
      413: error('Body over 256 KiB'),
      503: error('Could not keep the delivery; Fivetran retries'),
    },
  },
  listConnections: {
    method: 'GET',
    path: '/api/connections',
    operationId: 'listConnections',
    summary: 'Connections, in id order',
    description:
      'Filters combine: `health` (or `status`), `group_id`, `service`, `deleted`. Deleted connections keep their last health but leave the default list.',
    query: connectionsQueryShape,
    access: 'api',
    responses: {
      200: { description: 'One page', schema: connectionListSchema },
      400: badQuery,
      503: unavailable,
    },
  },
  getConnection: {
    method: 'GET',
    path: '/api/connections/{id}',
    operationId: 'getConnection',
    summary: 'One connection plus its last 20 sync runs and its 7-day sync stats',
    access: 'api',
    responses: {
      200: { description: 'The connection', schema: connectionDetailSchema },
      404: error('No connection with this id'),
      503: unavailable,
    },
  },
  listConnectionEvents: {
    method: 'GET',
    path: '/api/connections/{id}/events',
    operationId: 'listConnectionEvents',
    summary: 'The connection’s stored webhook events, newest first',
    query: pageQuery,
    access: 'api',
    responses: {
      200: { description: 'One page', schema: eventListSchema },
      400: badQuery,
      404: error('No connection with this id'),
      503: unavailable,
    },
  },
  ...SYNC_ROUTES,
  ...LINEAGE_ROUTES,
  listEvents: {
    method: 'GET',
    path: '/api/events',
    operationId: 'listEvents',
    summary:
      'All stored webhook events, newest first (account-level dbt_run_* and transformation_* included)',
    query: eventsQuery,
    access: 'api',
    responses: {
      200: { description: 'One page', schema: eventListSchema },
      400: badQuery,
      503: unavailable,
    },
  },
  listGroups: {
    method: 'GET',
    path: '/api/groups',
    operationId: 'listGroups',
    summary: 'Groups with their destination (service, region, setup_status)',
    query: pageQuery,
    access: 'api',
    responses: {
      200: { description: 'One page', schema: groupListSchema },
      400: badQuery,
      503: unavailable,
    },
  },
  getSummary: {
    method: 'GET',
    path: '/api/summary',
    operationId: 'getSummary',
    summary:
      'Counts by health, last webhook, last sweep, quarantined events, webhook state, recent health changes',
    access: 'api',
    responses: {
      200: { description: 'The account at a glance', schema: summarySchema },
      503: unavailable,
    },
  },
  listSweeps: {
    method: 'GET',
    path: '/api/sweeps',
    operationId: 'listSweeps',
    summary: 'Sweep records, newest first',
    query: pageQuery,
    access: 'api',
    responses: {
      200: { description: 'One page', schema: sweepListSchema },
      400: badQuery,
      503: unavailable,
    },
  },
  startSweep: {
    method: 'POST',
    path: '/api/sweeps',
    operationId: 'startSweep',
    summary: 'Start a sweep now',
    access: 'api',
    responses: {
      202: { description: 'Started; follow it in GET /api/sweeps', schema: sweepStartedSchema },
      409: { description: 'A sweep holds the lease; `id` is that sweep', schema: sweepBusySchema },
      405: error('This server cannot start sweeps (e.g. the read-only `serve`)'),
      429: error(
        'Local server: a manual sweep started less than 30 s ago; `Retry-After` says when to ask again',
      ),
      503: unavailable,
    },
  },
  getApiIndex: {
    method: 'GET',
    path: '/api',
    operationId: 'getApiIndex',
    summary: 'Where to start: the OpenAPI document and the read routes',
    access: 'api',
    responses: { 200: { description: 'The index', schema: apiIndexSchema } },
  },
  getOpenApi: {
    method: 'GET',
    path: '/api/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This document (OpenAPI 3.1, generated from the zod schemas of every response)',
    access: 'api',
    responses: { 200: { description: 'The document', schema: openApiDocumentSchema } },
  },
  healthz: {
    method: 'GET',
    path: '/healthz',
    operationId: 'healthz',
    summary: '200 when the store answers and can write (local server only)',
    access: 'local',
    responses: {
      200: { description: 'The store answers', schema: healthzSchema },
      503: error(
        'The store is not answering, or cannot write (e.g. the disk is full); the message says which',
      ),
    },
  },
  dashboard: {
    method: 'GET',
    path: '/',
    operationId: 'dashboard',
    summary: 'The dashboard page (local server and `fivetran-metadata serve` only; never public in AWS)',
    access: 'local',
    responses: { 200: { description: 'The page', schema: null, contentType: 'text/html' } },
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;
export const ROUTE_SPECS: readonly RouteSpec[] = Object.values(ROUTES);
