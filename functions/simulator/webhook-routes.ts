import { isLoopbackHost } from '#commons/config/fivetran-settings';
import { WEBHOOK_EVENTS } from '#commons/webhook-secret/webhook-registration';
import type { SimWebhook } from './account.ts';
import {
  type ApiAnswer,
  type ApiRequest,
  failure,
  type Route,
  success,
  visibleGroup,
} from './api-answers.ts';
import { iso } from './connection-generator.ts';
import { pageOf } from './paging.ts';
import type { Simulator } from './simulator.ts';
import { webhookView } from './views.ts';

/** Webhook events Fivetran lets you subscribe to (the reference's combined list). */
export const SUBSCRIBABLE_EVENTS: readonly string[] = [
  // Every event the product registers (all of them are in Fivetran's list), plus the ones it does not use.
  ...WEBHOOK_EVENTS,
  'status',
  'transformation_run_start',
  'transformation_run_succeeded',
  'transformation_run_failed',
];

interface WebhookFields {
  url?: string;
  events?: string[];
  active?: boolean;
  secret?: string | null;
}

const webhookNotFound = (): ApiAnswer => failure(404, 'NotFound', 'Webhook not found');

function readUrl(raw: unknown): string | ApiAnswer {
  if (typeof raw !== 'string') return failure(400, 'InvalidInput', 'Missing required field: url');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return failure(400, 'InvalidInput', `Invalid url: ${raw}`);
  }
  // Fivetran requires https; the simulator also takes plain http to a loopback host (the local server).
  const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp)
    return failure(400, 'InvalidInput', 'Webhook url must use https');
  return raw;
}

function readEvents(sim: Simulator, events: unknown): string[] | ApiAnswer {
  if (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === 'string')) {
    return failure(400, 'InvalidInput', 'Field events must be a non-empty array of event names');
  }
  const refused = events.filter(
    (event) => !SUBSCRIBABLE_EVENTS.includes(event) || sim.knobs.unsupportedEvents.includes(event),
  );
  if (refused.length > 0) return failure(400, 'InvalidInput', `Unsupported events: ${refused.join(', ')}`);
  return [...new Set(events as string[])];
}

const isAnswer = (value: unknown): value is ApiAnswer =>
  value !== null && typeof value === 'object' && 'status' in value && 'body' in value;

/** Checks a create or update body the way Fivetran answers it: 400 `InvalidInput` naming the problem. */
function readWebhookFields(sim: Simulator, body: unknown, creating: boolean): WebhookFields | ApiAnswer {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return failure(400, 'InvalidInput', 'Request body must be a JSON object');
  }
  const raw = body as Record<string, unknown>;
  const fields: WebhookFields = {};
  if (raw.url !== undefined || creating) {
    const url = readUrl(raw.url);
    if (isAnswer(url)) return url;
    fields.url = url;
  }
  if (raw.events !== undefined || creating) {
    const events = readEvents(sim, raw.events);
    if (isAnswer(events)) return events;
    fields.events = events;
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

/** Creation answers 200, not 201 (the Go SDK's mocks and reference §9). */
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
  return success(webhookView(webhook), message);
}

async function updateWebhook(sim: Simulator, request: ApiRequest): Promise<ApiAnswer> {
  const webhook = sim.account.webhooks.get(request.params[0] as string);
  if (!webhook) return webhookNotFound();
  const fields = readWebhookFields(sim, request.body, false);
  if (isAnswer(fields)) return fields;
  if (fields.active === true && !webhook.active) {
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
  if (!webhook) return webhookNotFound();
  const event = (request.body as { event?: unknown } | null)?.event;
  if (typeof event !== 'string' || event === '')
    return failure(400, 'InvalidInput', 'Missing required field: event');
  const result = await sim.sendTestEvent(webhook, event);
  const succeed = result.status !== null && result.status >= 200 && result.status < 300;
  return success({
    succeed,
    status: result.status ?? 0,
    message: succeed ? 'Success' : (result.error ?? `Endpoint answered ${result.status}`),
  });
}

export const WEBHOOK_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    template: '/v1/webhooks',
    handle: (sim, { query }) =>
      success(pageOf(sim.account.webhooks.values(), query, sim.knobs.endOfList, webhookView)),
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
      return webhook ? success(webhookView(webhook)) : webhookNotFound();
    },
  },
  { method: 'PATCH', template: '/v1/webhooks/{id}', handle: updateWebhook },
  {
    method: 'DELETE',
    template: '/v1/webhooks/{id}',
    handle: (sim, { params }) => {
      const id = params[0] as string;
      if (!sim.account.webhooks.delete(id)) return webhookNotFound();
      // 200 with `{code, message}` and no `data`.
      return success(undefined, `Webhook with id '${id}' has been deleted`);
    },
  },
  { method: 'POST', template: '/v1/webhooks/{id}/test', handle: testWebhook },
];
