import type { Connection } from '../../connection/connection.ts';
import type { Repositories } from '../../store/repositories.ts';
import { type TableView, toTableView } from '../../tables/table-item.ts';
import { schemaChangesQuery, tablesQuery, transformationsQuery } from '../lineage-route-specs.ts';
import { parseQuery } from '../query-params.ts';
import { HttpError, type RouteHandler } from '../reply.ts';
import type { ROUTES } from '../route-specs.ts';

type Routes = typeof ROUTES;

/** Connections read at once for one page of tables (a page of 1,000 tables names at most 1,000). */
const CONNECTION_READS_IN_FLIGHT = 16;

async function connectionsOf(
  repos: Pick<Repositories, 'connections'>,
  ids: readonly string[],
): Promise<Map<string, Connection | null>> {
  const found = new Map<string, Connection | null>();
  const queue = [...new Set(ids)];
  const worker = async () => {
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      found.set(id, await repos.connections.get(id));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECTION_READS_IN_FLIGHT, queue.length) }, worker));
  return found;
}

/**
 * The last success we know: the connection's `freshness` when computed, else the newer of Fivetran's
 * `succeeded_at` and a successful `last_completed_sync` (compared as instants).
 */
export function lastSuccessAt(connection: Connection): string | null {
  if (connection.freshness?.last_success_at) return connection.freshness.last_success_at;
  const completed = connection.last_completed_sync;
  const candidates = [
    connection.succeeded_at,
    completed?.status === 'SUCCESSFUL' ? (completed.ended_at ?? null) : null,
  ].filter((value): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value)));
  candidates.sort((a, b) => Date.parse(b) - Date.parse(a));
  return candidates[0] ?? null;
}

/** `GET /api/tables`, `GET /api/connections/{id}/schema-changes`, `GET /api/transformations`. */
export function lineageRoutes(deps: { readonly repositories: Repositories }) {
  const repos = deps.repositories;

  const listTables: RouteHandler<Routes['listTables']> = async (request) => {
    const { limit, cursor, ...filter } = parseQuery(tablesQuery, request.query);
    const page = await repos.tables.list(filter, { limit, cursor: cursor ?? null });
    // Freshness and health are the connection's now, not a copy kept on each table.
    const connections = await connectionsOf(
      repos,
      page.items.map((table) => table.connection_id),
    );
    const items: TableView[] = page.items.map((table) => {
      const connection = connections.get(table.connection_id) ?? null;
      return toTableView(
        table,
        connection && {
          last_success_at: lastSuccessAt(connection),
          health: connection.health,
        },
      );
    });
    return { status: 200, body: { items, next_cursor: page.nextCursor } };
  };

  const listSchemaChanges: RouteHandler<Routes['listSchemaChanges']> = async (request) => {
    const id = request.params.id ?? '';
    const { limit, cursor } = parseQuery(schemaChangesQuery, request.query);
    if ((await repos.connections.get(id)) === null) throw new HttpError(404, `no connection ${id}`);
    const page = await repos.schemaChanges.listOfConnection(id, { limit, cursor: cursor ?? null });
    return { status: 200, body: { items: page.items, next_cursor: page.nextCursor } };
  };

  const listTransformations: RouteHandler<Routes['listTransformations']> = async (request) => {
    const { limit, cursor, ...filters } = parseQuery(transformationsQuery, request.query);
    const page = await repos.transformations.list(filters, { limit, cursor: cursor ?? null });
    return { status: 200, body: { items: page.items, next_cursor: page.nextCursor } };
  };

  return { listTables, listSchemaChanges, listTransformations };
}
