import { connectionView } from '../../connection/connection.ts';
import { readConnectionDetail } from '../../read/connection-detail.ts';
import type { CachedHealthCounts } from '../../read/health-counts.ts';
import { type RunMode, readSummary } from '../../read/summary.ts';
import { listSweeps } from '../../read/sweeps.ts';
import { eventView } from '../../store/repositories/events.ts';
import { groupView } from '../../store/repositories/groups.ts';
import type { Repositories } from '../../store/repositories.ts';
import type { Page } from '../../store/table/query-page.ts';
import { openApiDocument } from '../openapi.ts';
import { connectionsQuery, eventsQuery, pageQuery, parseQuery } from '../query-params.ts';
import { HttpError, type RouteHandler } from '../reply.ts';
import { ROUTE_SPECS, ROUTES } from '../route-specs.ts';

type Routes = typeof ROUTES;

function listing<T, V>(page: Page<T>, view: (item: T) => V) {
  return { items: page.items.map(view), next_cursor: page.nextCursor };
}

export interface ReadRouteDeps {
  readonly repositories: Repositories;
  readonly counts: CachedHealthCounts;
  readonly mode: RunMode | null;
  readonly now: () => number;
}

/** The read routes under `/api`: the same on the local server, `serve` and the api Lambda. */
export function readRoutes(deps: ReadRouteDeps) {
  const { repositories: repos, now } = deps;

  async function requireConnection(id: string): Promise<void> {
    if ((await repos.connections.get(id)) === null) throw new HttpError(404, `no connection ${id}`);
  }

  const listConnections: RouteHandler<Routes['listConnections']> = async (request) => {
    const { limit, cursor, ...filters } = parseQuery(connectionsQuery, request.query);
    const page = await repos.connections.list(filters, { limit, cursor: cursor ?? null });
    return { status: 200, body: listing(page, connectionView) };
  };

  const getConnection: RouteHandler<Routes['getConnection']> = async (request) => {
    const id = request.params.id ?? '';
    const detail = await readConnectionDetail(repos, id, now());
    if (detail === null) throw new HttpError(404, `no connection ${id}`);
    return { status: 200, body: detail };
  };

  const listConnectionEvents: RouteHandler<Routes['listConnectionEvents']> = async (request) => {
    const id = request.params.id ?? '';
    const { limit, cursor } = parseQuery(pageQuery, request.query);
    await requireConnection(id);
    const page = await repos.events.listOfConnection(id, { limit, cursor: cursor ?? null });
    return { status: 200, body: listing(page, eventView) };
  };

  const listEvents: RouteHandler<Routes['listEvents']> = async (request) => {
    const { limit, cursor, ...filters } = parseQuery(eventsQuery, request.query);
    const page = await repos.events.list(filters, { limit, cursor: cursor ?? null });
    return { status: 200, body: listing(page, eventView) };
  };

  const listGroups: RouteHandler<Routes['listGroups']> = async (request) => {
    const { limit, cursor } = parseQuery(pageQuery, request.query);
    return {
      status: 200,
      body: listing(await repos.groups.list({ limit, cursor: cursor ?? null }), groupView),
    };
  };

  const getSummary: RouteHandler<Routes['getSummary']> = async () => ({
    status: 200,
    body: await readSummary({ repositories: repos, counts: deps.counts, mode: deps.mode, now }),
  });

  const listSweepRecords: RouteHandler<Routes['listSweeps']> = async (request) => {
    const { limit, cursor } = parseQuery(pageQuery, request.query);
    const page = await listSweeps(repos, { limit, cursor: cursor ?? null }, now);
    return { status: 200, body: listing(page, (sweep) => sweep) };
  };

  const getApiIndex: RouteHandler<Routes['getApiIndex']> = async () => ({
    status: 200,
    body: {
      openapi: ROUTES.getOpenApi.path,
      routes: ROUTE_SPECS.filter((spec) => spec.access === 'api').map(
        (spec) => `${spec.method} ${spec.path}`,
      ),
    },
  });

  const getOpenApi: RouteHandler<Routes['getOpenApi']> = async () => ({
    status: 200,
    body: openApiDocument() as { openapi: string; paths: Record<string, unknown> },
  });

  return {
    listConnections,
    getConnection,
    listConnectionEvents,
    listEvents,
    listGroups,
    getSummary,
    listSweeps: listSweepRecords,
    getApiIndex,
    getOpenApi,
  };
}
