import {
  type ApiAnswer,
  type ApiRequest,
  connectionNotFound,
  failure,
  forbidden,
  type Route,
  success,
  visibleGroup,
} from './api-answers.ts';
import { pageOf } from './paging.ts';
import type { Simulator } from './simulator.ts';
import { connectionView, destinationView, groupView, runView, transformationView } from './views.ts';

const HOUR = 60 * 60_000;
const SEVEN_DAYS = 7 * 24 * HOUR;

const groupNotFound = (id: string): ApiAnswer => failure(404, 'NotFound', `Group with id ${id} not found`);

/** The connection a path names, or the 404/403 Fivetran answers for it. */
function visibleConnection(sim: Simulator, id: string) {
  const connection = sim.account.connections.get(id);
  if (!connection) return { answer: connectionNotFound(id) };
  if (!visibleGroup(sim, connection.group_id)) return { answer: forbidden('CONNECTOR_READ') };
  return { connection };
}

function instant(raw: string | null): number | null | 'invalid' {
  if (raw === null || raw === '') return null;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? 'invalid' : ms;
}

/**
 * `GET /v1/connections/{id}/sync-history`: the runs the simulator recorded, in a `start_time`..`end_time`
 * window (one hour when a bound is missing, at most 7 days), oldest first, cursor-paged. The
 * `syncHistory` knob makes it missing (a generic 404) or answer items of a shape no client knows.
 */
function syncHistory(sim: Simulator, { params, query }: ApiRequest): ApiAnswer {
  if (sim.knobs.syncHistory === 'missing') return failure(404, 'NotFound', 'HTTP 404 Not Found');
  const found = visibleConnection(sim, params[0] as string);
  if (found.answer) return found.answer;
  const start = instant(query.get('start_time'));
  const end = instant(query.get('end_time'));
  if (start === 'invalid' || end === 'invalid') {
    return failure(400, 'InvalidInput', 'start_time and end_time must be ISO 8601 instants');
  }
  const endMs = end ?? (start === null ? sim.now() : start + HOUR);
  const startMs = start ?? endMs - HOUR;
  if (endMs <= startMs) return failure(400, 'InvalidInput', 'end_time must be after start_time');
  if (endMs - startMs > SEVEN_DAYS) return failure(400, 'InvalidInput', 'The maximum time range is 7 days');
  // Paged in recording order (start time, then the order recorded: two runs may start in the same ms).
  const runs = (sim.account.runs.get(found.connection.id) ?? [])
    .map((run, index) => ({ run, index }))
    .filter(({ run }) => run.started_ms >= startMs && run.started_ms <= endMs);
  const view =
    sim.knobs.syncHistory === 'unknown_shape'
      ? ({ run }: (typeof runs)[number]) => ({ run: run.started_ms, outcome: { kind: run.status } })
      : ({ run }: (typeof runs)[number]) => runView(run);
  const key = ({ run, index }: (typeof runs)[number]) =>
    `${String(run.started_ms).padStart(15, '0')}|${String(index).padStart(6, '0')}`;
  return success(pageOf(runs, query, sim.knobs.endOfList, view, key));
}

export const READ_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    template: '/v1/account/info',
    handle: (sim) => {
      const { account } = sim;
      const key =
        account.keyKind === 'user' ? { user_id: account.ownerId } : { system_key_id: account.ownerId };
      return success(
        { account_id: account.accountId, account_name: account.accountName, ...key },
        'Account information retrieved successfully',
      );
    },
  },
  {
    method: 'GET',
    template: '/v1/groups',
    handle: (sim, { query }) => {
      const groups = [...sim.account.groups.values()].filter((g) => visibleGroup(sim, g.id));
      return success(pageOf(groups, query, sim.knobs.endOfList, groupView));
    },
  },
  {
    method: 'GET',
    template: '/v1/groups/{id}',
    handle: (sim, { params }) => {
      const group = sim.account.groups.get(params[0] as string);
      if (!group) return groupNotFound(params[0] as string);
      if (!visibleGroup(sim, group.id)) return forbidden('DESTINATION_READ');
      return success(groupView(group));
    },
  },
  {
    method: 'GET',
    template: '/v1/groups/{id}/connections',
    handle: (sim, { params, query }) => {
      const groupId = params[0] as string;
      if (!sim.account.groups.has(groupId)) return groupNotFound(groupId);
      if (!visibleGroup(sim, groupId)) return forbidden('CONNECTOR_READ');
      const connections = sim.listConnections(groupId, query.get('schema'));
      return success(pageOf(connections, query, sim.knobs.endOfList, connectionView));
    },
  },
  {
    method: 'GET',
    template: '/v1/destinations',
    handle: (sim, { query }) => {
      const destinations = [...sim.account.destinations.values()].filter((d) =>
        visibleGroup(sim, d.group_id),
      );
      return success(pageOf(destinations, query, sim.knobs.endOfList, (d) => destinationView(d, false)));
    },
  },
  {
    method: 'GET',
    template: '/v1/destinations/{id}',
    handle: (sim, { params }) => {
      const id = params[0] as string;
      const destination = sim.account.destinations.get(id);
      if (!destination) return failure(404, 'NotFound', `Destination with id ${id} not found`);
      if (!visibleGroup(sim, destination.group_id)) return forbidden('DESTINATION_READ');
      return success(destinationView(destination, true));
    },
  },
  {
    method: 'GET',
    template: '/v1/connections',
    handle: (sim, { query }) => {
      // A listing's first page is where the account "moves on" between calls, when that knob is set.
      if (!query.get('cursor')) sim.churnBeforeListing();
      const connections = sim.listConnections(query.get('group_id'), query.get('schema'));
      return success(pageOf(connections, query, sim.knobs.endOfList, connectionView));
    },
  },
  {
    method: 'GET',
    template: '/v1/connections/{id}',
    handle: (sim, { params }) => {
      const found = visibleConnection(sim, params[0] as string);
      return found.answer ?? success(connectionView(found.connection));
    },
  },
  {
    method: 'GET',
    template: '/v1/connections/{id}/schemas',
    handle: (sim, { params }) => {
      const found = visibleConnection(sim, params[0] as string);
      if (found.answer) return found.answer;
      const { connection } = found;
      const schema = sim.account.schemas.get(connection.id);
      if (schema) return success(schema);
      // Fivetran's specific code, or (Terraform provider issue 254) its generic one.
      if (connection.sim.missingSchemaCode === 'NotFound')
        return failure(404, 'NotFound', 'HTTP 404 Not Found');
      return failure(
        404,
        'NotFound_SchemaConfig',
        `Connection with id '${connection.id}' doesn't have schema config`,
      );
    },
  },
  { method: 'GET', template: '/v1/connections/{id}/sync-history', handle: syncHistory },
  {
    method: 'GET',
    template: '/v1/transformations',
    handle: (sim, { query }) => {
      const groupId = query.get('group_id');
      const transformations = [...sim.account.transformations.values()].filter(
        (t) => visibleGroup(sim, t.group_id) && (groupId === null || t.group_id === groupId),
      );
      return success(pageOf(transformations, query, sim.knobs.endOfList, transformationView));
    },
  },
];
