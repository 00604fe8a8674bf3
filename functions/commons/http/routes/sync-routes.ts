import { syncRunView } from '../../connection/sync-run.ts';
import type { Repositories } from '../../store/repositories.ts';
import { parseQuery } from '../query-params.ts';
import { HttpError, type RouteHandler } from '../reply.ts';
import type { ROUTES } from '../route-specs.ts';
import { syncsQuery } from '../sync-route-specs.ts';

type Routes = typeof ROUTES;

/** `GET /api/connections/{id}/syncs`: the run ledger, paged newest first. */
export function syncRoutes(deps: { readonly repositories: Pick<Repositories, 'connections' | 'syncRuns'> }) {
  const repos = deps.repositories;
  const listConnectionSyncs: RouteHandler<Routes['listConnectionSyncs']> = async (request) => {
    const id = request.params.id ?? '';
    const { status, limit, cursor } = parseQuery(syncsQuery, request.query);
    if ((await repos.connections.get(id)) === null) throw new HttpError(404, `no connection ${id}`);
    const page = await repos.syncRuns.listPage(id, { statuses: status }, { limit, cursor: cursor ?? null });
    return { status: 200, body: { items: page.items.map(syncRunView), next_cursor: page.nextCursor } };
  };
  return { listConnectionSyncs };
}
