import { isLoopbackHost } from '#commons/config/fivetran-settings';
import type { Webhook } from '#commons/fivetran/schemas';
import type { SimWebhook } from './account.ts';
import { iso } from './account-generator.ts';
import { pageOf } from './paging.ts';
import type { Simulator } from './simulator.ts';

/** A request as the routes see it: already authenticated, JSON body parsed. */
export interface ApiRequest {
  readonly method: string;
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

interface Route {
  readonly method: string;
  /** `/v1/connections/{id}`: also the name the request counter uses. */
  readonly template: string;
  readonly handle: (sim: Simulator, request: ApiRequest) => ApiAnswer | Promise<ApiAnswer>;
}

/** Webhook events Fivetran lets you subscribe to (the reference's combined list). */
export const SUBSCRIBABLE_EVENTS: readonly string[] = [
  'sync_start',
  'sync_end',
  'status',
  'connection_successful',
  'connection_failure',
  'create_connector',
  'pause_connector',
  'resume_connector',
  'edit_connector',
  'delete_connector',
  'force_update_connector',
  'resync_connector',
  'resync_table',
  'dbt_run_start',
  'dbt_run_succeeded',
  'dbt_run_failed',
  'transformation_start',
  'transformation_succeeded',
  'transformation_failed',
  'transformation_run_start',
  'transformation_run_succeeded',
  'transformation_run_failed',
];

export const success = (data: unknown, message = 'Operation performed.', status = 200): ApiAnswer => ({
  status,
  body: data === undefined ? { code: 'Success', message } : { code: 'Success', message, data },
});

export const failure = (status: number, code: string, message: string): ApiAnswer => ({
  status,
  body: { code, message },
});

const forbidden = (what: string): ApiAnswer =>
  failure(403, 'AccessDenied', `The API key has no permission to access ${what}`);

function visibleGroup(sim: Simulator, groupId: string): boolean {
  const scope = sim.knobs.visibleGroupIds;
  return scope === null || scope.includes(groupId);
}

/** The API's view of a webhook: the secret never leaves, only its mask. */
export function webhookView(webhook: SimWebhook): Webhook {
  const view: Webhook = {
    id: webhook.id,
    type: webhook.type,
    url: webhook.url,
    events: [...webhook.events],
    active: webhook.active,
    created_at: webhook.created_at,
    created_by: webhook.created_by,
  };
  if (webhook.type === 'group' && webhook.group_id) view.group_id = webhook.group_id;
  if (webhook.secret) view.secret = '******';
  return view;
}

interface WebhookFields {
  url?: string;
  events?: string[];
  active?: boolean;
  secret?: string | null;
}

/** Checks a create or update body the way Fivetran answers it: 400 `InvalidInput` naming the problem. */
function readWebhookFields(sim: Simulator, body: unknown, creating: boolean): WebhookFields | ApiAnswer {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return failure(400, 'InvalidInput', 'Request body must be a JSON object');
  }
  const raw = body as Record<string, unknown>;
  const fields: WebhookFields = {};
  if (raw.url !== undefined || creating) {
    if (typeof raw.url !== 'string') return failure(400, 'InvalidInput', 'Missing required field: url');
    let url: URL;
    try {
      url = new URL(raw.url);
    } catch {
      return failure(400, 'InvalidInput', `Invalid url: ${raw.url}`);
    }
    // Fivetran requires https; the simulator also takes plain http to a loopback host (the local server).
    const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !loopbackHttp) {
      return failure(400, 'InvalidInput', 'Webhook url must use https');
    }
    fields.url = raw.url;
  }
  if (raw.events !== undefined || creating) {
    const events = raw.events;
    if (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === 'string')) {
      return failure(400, 'InvalidInput', 'Field events must be a non-empty array of event names');
    }
    const refused = events.filter(
      (event) => !SUBSCRIBABLE_EVENTS.includes(event) || sim.knobs.unsupportedEvents.includes(event),
    );
    if (refused.length > 0) return failure(400, 'InvalidInput', `Unsupported events: ${refused.join(', ')}`);
    fields.events = [...new Set(events as string[])];
  }
  if (raw.active !== undefined) {
    if (typeof raw.active !== 'boolean')
      return failure(400, 'InvalidInput', 'Field active must be a boolean');
    fields.active = raw.active;
  }
  if (raw.secret !== undefined && raw.secret !== null) {
    if (typeof raw.secret !== 'string') return failure(400, 'InvalidInput', 'Field secret must be a string');
    fields.secret = raw.secret === '' ? null : raw.secret;
  }
  return fields;
}

const isAnswer = (value: WebhookFields | ApiAnswer): value is ApiAnswer =>
  'status' in value && 'body' in value;

async function createWebhook(
  sim: Simulator,
  request: ApiRequest,
  groupId: string | null,
): Promise<ApiAnswer> {
  if (groupId !== null && (!sim.account.groups.has(groupId) || !visibleGroup(sim, groupId))) {
    return failure(404, 'NotFound', `Group with id ${groupId} not found`);
  }
  const fields = readWebhookFields(sim, request.body, true);
  if (isAnswer(fields)) return fields;
  const active = fields.active ?? true;
  // Creation with `active` runs the probe first; an endpoint that fails it means no webhook.
  if (active) {
    const probe = await sim.probeWebhookUrl(fields.url as string);
    if (probe) return probe;
  }
  const webhook: SimWebhook = {
    id: sim.newId(),
    type: groupId === null ? 'account' : 'group',
    group_id: groupId,
    url: fields.url as string,
    events: fields.events as string[],
    active,
    secret: fields.secret ?? null,
    created_at: iso(sim.now()),
    created_by: sim.account.ownerId,
  };
  sim.account.webhooks.set(webhook.id, webhook);
  const message = groupId === null ? 'Account webhook has been created' : 'Group webhook has been created';
  return success(webhookView(webhook), message, 201);
}

async function updateWebhook(sim: Simulator, request: ApiRequest): Promise<ApiAnswer> {
  const webhook = sim.account.webhooks.get(request.params[0] as string);
  if (!webhook) return failure(404, 'NotFound', 'Webhook not found');
  const fields = readWebhookFields(sim, request.body, false);
  if (isAnswer(fields)) return fields;
  const activating = fields.active === true && !webhook.active;
  if (activating) {
    const probe = await sim.probeWebhookUrl(fields.url ?? webhook.url);
    if (probe) return probe;
  }
  if (fields.url !== undefined) webhook.url = fields.url;
  if (fields.events !== undefined) webhook.events = fields.events;
  if (fields.active !== undefined) webhook.active = fields.active;
  if (fields.secret !== undefined) webhook.secret = fields.secret;
  return success(webhookView(webhook), 'Webhook has been updated');
}

async function testWebhook(sim: Simulator, request: ApiRequest): Promise<ApiAnswer> {
  const webhook = sim.account.webhooks.get(request.params[0] as string);
  if (!webhook) return failure(404, 'NotFound', 'Webhook not found');
  const event = (request.body as { event?: unknown } | null)?.event;
  if (typeof event !== 'string' || event === '') {
    return failure(400, 'InvalidInput', 'Missing required field: event');
  }
  const result = await sim.sendTestEvent(webhook, event);
  const succeed = result.status !== null && result.status >= 200 && result.status < 300;
  return success({
    succeed,
    status: result.status ?? 0,
    message: succeed ? 'Success' : (result.error ?? `Endpoint answered ${result.status}`),
  });
}

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    template: '/v1/account/info',
    handle: (sim) => {
      const { account } = sim;
      const key =
        account.keyKind === 'user' ? { user_id: account.ownerId } : { system_key_id: account.ownerId };
      return success({ account_id: account.accountId, account_name: account.accountName, ...key });
    },
  },
  {
    method: 'GET',
    template: '/v1/groups',
    handle: (sim, { query }) => {
      const groups = [...sim.account.groups.values()].filter((g) => visibleGroup(sim, g.id));
      return success(pageOf(groups, query, sim.knobs.endOfList));
    },
  },
  {
    method: 'GET',
    template: '/v1/groups/{id}',
    handle: (sim, { params }) => {
      const group = sim.account.groups.get(params[0] as string);
      if (!group) return failure(404, 'NotFound', `Group with id ${params[0]} not found`);
      if (!visibleGroup(sim, group.id)) return forbidden(`group ${group.id}`);
      return success(group);
    },
  },
  {
    method: 'GET',
    template: '/v1/groups/{id}/connections',
    handle: (sim, { params, query }) => {
      const groupId = params[0] as string;
      if (!sim.account.groups.has(groupId))
        return failure(404, 'NotFound', `Group with id ${groupId} not found`);
      if (!visibleGroup(sim, groupId)) return forbidden(`group ${groupId}`);
      return success(pageOf(sim.listConnections(groupId, query.get('schema')), query, sim.knobs.endOfList));
    },
  },
  {
    method: 'GET',
    template: '/v1/destinations',
    handle: (sim, { query }) => {
      const destinations = [...sim.account.destinations.values()].filter((d) =>
        visibleGroup(sim, d.group_id),
      );
      return success(pageOf(destinations, query, sim.knobs.endOfList));
    },
  },
  {
    method: 'GET',
    template: '/v1/destinations/{id}',
    handle: (sim, { params }) => {
      const id = params[0] as string;
      const destination = sim.account.destinations.get(id);
      if (!destination) return failure(404, 'NotFound', `Destination with id ${id} not found`);
      if (!visibleGroup(sim, destination.group_id)) return forbidden(`destination ${id}`);
      return success(destination);
    },
  },
  {
    method: 'GET',
    template: '/v1/connections',
    handle: (sim, { query }) => {
      // A listing's first page is where the account "moves on" between calls, when that knob is set.
      if (!query.get('cursor')) sim.churnBeforeListing();
      const connections = sim.listConnections(query.get('group_id'), query.get('schema'));
      return success(pageOf(connections, query, sim.knobs.endOfList));
    },
  },
  {
    method: 'GET',
    template: '/v1/connections/{id}',
    handle: (sim, { params }) => {
      const id = params[0] as string;
      const connection = sim.account.connections.get(id);
      if (!connection) return failure(404, 'NotFound_Connector', `Connector with id '${id}' does not exist.`);
      if (!visibleGroup(sim, connection.group_id)) return forbidden(`connection ${id}`);
      return success(connection);
    },
  },
  {
    method: 'GET',
    template: '/v1/connections/{id}/schemas',
    handle: (sim, { params }) => {
      const id = params[0] as string;
      const connection = sim.account.connections.get(id);
      if (!connection) return failure(404, 'NotFound_Connector', `Connector with id '${id}' does not exist.`);
      if (!visibleGroup(sim, connection.group_id)) return forbidden(`connection ${id}`);
      const schema = sim.account.schemas.get(id);
      if (!schema) {
        return failure(404, 'NotFound_SchemaConfig', `Connection with id '${id}' doesn't have schema config`);
      }
      return success(schema);
    },
  },
  {
    method: 'GET',
    template: '/v1/webhooks',
    handle: (sim, { query }) =>
      success(pageOf([...sim.account.webhooks.values()].map(webhookView), query, sim.knobs.endOfList)),
  },
  {
    method: 'POST',
    template: '/v1/webhooks/account',
    handle: (sim, request) => createWebhook(sim, request, null),
  },
  {
    method: 'POST',
    template: '/v1/webhooks/group/{id}',
    handle: (sim, request) => createWebhook(sim, request, request.params[0] as string),
  },
  {
    method: 'GET',
    template: '/v1/webhooks/{id}',
    handle: (sim, { params }) => {
      const webhook = sim.account.webhooks.get(params[0] as string);
      return webhook ? success(webhookView(webhook)) : failure(404, 'NotFound', 'Webhook not found');
    },
  },
  { method: 'PATCH', template: '/v1/webhooks/{id}', handle: updateWebhook },
  {
    method: 'DELETE',
    template: '/v1/webhooks/{id}',
    handle: (sim, { params }) => {
      const id = params[0] as string;
      if (!sim.account.webhooks.delete(id)) return failure(404, 'NotFound', 'Webhook not found');
      return success(undefined, `Webhook with id '${id}' has been deleted`);
    },
  },
  { method: 'POST', template: '/v1/webhooks/{id}/test', handle: testWebhook },
];

const compiled = ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.template.replace(/\{id\}/g, '([^/]+)')}$`),
}));

/** The route for a path: a match, `405` when the path exists under another method, or null (404). */
export function matchRoute(
  method: string,
  pathname: string,
): { route: Route; params: string[] } | { methodNotAllowed: string } | null {
  let known: string | null = null;
  for (const { route, pattern } of compiled) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    if (route.method === method) return { route, params: match.slice(1).map(decodeURIComponent) };
    known = route.template;
  }
  return known === null ? null : { methodNotAllowed: known };
}
