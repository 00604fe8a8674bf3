import { EndpointUnavailableError, FivetranApiError, isConnectionGone, NotFoundError } from './errors.ts';
import { FivetranHttp, type Page } from './http-client.ts';
import {
  type AccountInfo,
  accountInfoSchema,
  type Connection,
  connectionSchema,
  type Destination,
  destinationSchema,
  type Group,
  groupSchema,
  type SchemaConfig,
  schemaConfigSchema,
  type Webhook,
  type WebhookCreateRequest,
  type WebhookTestResult,
  type WebhookUpdateRequest,
  webhookSchema,
  webhookTestResultSchema,
} from './schemas.ts';
import {
  checkSyncHistoryWindow,
  type SyncHistoryRun,
  type SyncHistoryWindow,
  syncHistoryItemSchema,
  syncRunIdentity,
  toSyncRun,
} from './sync-history.ts';
import { idField as idOf } from './tolerant-read.ts';
import { type Transformation, transformationSchema } from './transformations.ts';

export {
  collectItems,
  DEFAULT_MAX_PAGES,
  type FivetranClientOptions,
  PAGE_LIMIT,
  type Page,
} from './http-client.ts';

/** Connection and destination endpoints are versioned: v2 avoids known v1 failures (e.g. SQL Server 500s). */
const ACCEPT_V2 = 'application/json;version=2';
const ACCEPT_V1 = 'application/json';

const at = (template: string, id: string) => template.replace('{id}', encodeURIComponent(id));

/**
 * The Fivetran REST client: the endpoints the product reads and the webhook administration it does, over
 * `FivetranHttp`. Stateless apart from the request counter and the last rate-limit headers, so one instance
 * can serve a whole sweep.
 */
export class FivetranClient extends FivetranHttp {
  /** Only `account_id` is required: a minimal answer still proves the key works. */
  accountInfo(): Promise<AccountInfo> {
    const template = '/v1/account/info';
    return this.readOne(
      { method: 'GET', template, path: template, accept: ACCEPT_V1 },
      accountInfoSchema,
      (i) => (typeof i.account_id === 'string' && i.account_id !== '' ? i.account_id : null),
    );
  }

  groupPages(): AsyncGenerator<Page<Group>> {
    return this.pages({ template: '/v1/groups', path: '/v1/groups', accept: ACCEPT_V1 }, groupSchema);
  }

  /** `setup_status` comes normalised (`connected` and `CONNECTED` → `CONNECTED`). */
  destinationPages(): AsyncGenerator<Page<Destination>> {
    return this.pages(
      { template: '/v1/destinations', path: '/v1/destinations', accept: ACCEPT_V2 },
      destinationSchema,
    );
  }

  destination(id: string): Promise<Destination> {
    const template = '/v1/destinations/{id}';
    return this.readOne(
      { method: 'GET', template, path: at(template, id), accept: ACCEPT_V2 },
      destinationSchema,
      idOf,
    );
  }

  /** Account-wide listing (`GET /v1/connections`), optionally narrowed to one group. */
  connectionPages(filter: { readonly groupId?: string } = {}): AsyncGenerator<Page<Connection>> {
    return this.pages(
      {
        template: '/v1/connections',
        path: '/v1/connections',
        query: { group_id: filter.groupId },
        accept: ACCEPT_V2,
      },
      connectionSchema,
    );
  }

  connection(id: string): Promise<Connection> {
    const template = '/v1/connections/{id}';
    return this.readOne(
      { method: 'GET', template, path: at(template, id), accept: ACCEPT_V2 },
      connectionSchema,
      idOf,
    );
  }

  /** A 404 (`NotFound_SchemaConfig`, a generic `NotFound`, …) is "no schema yet": see `isMissingSchemaConfig`. */
  connectionSchemas(id: string): Promise<SchemaConfig> {
    const template = '/v1/connections/{id}/schemas';
    return this.readOne(
      { method: 'GET', template, path: at(template, id), accept: ACCEPT_V1 },
      schemaConfigSchema,
      null,
    );
  }

  /**
   * A connection's runs within `window` (at most 7 days), oldest-first as Fivetran pages them. Throws
   * `EndpointUnavailableError` when Fivetran does not serve the endpoint (a 404 or 405 that names no
   * connection) or answers in a shape with no readable run; `NotFoundError` when the connection is gone.
   */
  async *syncHistoryPages(
    connectionId: string,
    window: SyncHistoryWindow,
  ): AsyncGenerator<Page<SyncHistoryRun>> {
    checkSyncHistoryWindow(window);
    const template = '/v1/connections/{id}/sync-history';
    const pages = this.pages(
      {
        template,
        path: at(template, connectionId),
        query: { start_time: window.startTime, end_time: window.endTime },
        accept: ACCEPT_V2,
      },
      syncHistoryItemSchema,
      syncRunIdentity,
    );
    try {
      for await (const page of pages) {
        if (page.items.length === 0 && page.unreadableTotal > 0) {
          throw new EndpointUnavailableError(
            `GET ${template}`,
            `no run could be read (${page.unreadable[0]?.problem ?? 'unknown shape'})`,
          );
        }
        yield { ...page, items: page.items.map(toSyncRun) };
      }
    } catch (error) {
      throw optionalEndpointError(`GET ${template}`, error);
    }
  }

  /** `GET /v1/transformations`; a 404 means this account has none to offer (`EndpointUnavailableError`). */
  async *transformationPages(): AsyncGenerator<Page<Transformation>> {
    const template = '/v1/transformations';
    try {
      yield* this.pages({ template, path: template, accept: ACCEPT_V1 }, transformationSchema);
    } catch (error) {
      throw optionalEndpointError(`GET ${template}`, error);
    }
  }

  webhookPages(): AsyncGenerator<Page<Webhook>> {
    return this.pages({ template: '/v1/webhooks', path: '/v1/webhooks', accept: ACCEPT_V1 }, webhookSchema);
  }

  webhook(id: string): Promise<Webhook> {
    const template = '/v1/webhooks/{id}';
    return this.readOne(
      { method: 'GET', template, path: at(template, id), accept: ACCEPT_V1 },
      webhookSchema,
      idOf,
    );
  }

  /** Fivetran probes the URL before answering (200); an unreachable or failing URL is a 400 `FivetranApiError`. */
  createAccountWebhook(request: WebhookCreateRequest): Promise<Webhook> {
    const template = '/v1/webhooks/account';
    return this.readOne(
      { method: 'POST', template, path: template, body: request, accept: ACCEPT_V1 },
      webhookSchema,
      idOf,
    );
  }

  createGroupWebhook(groupId: string, request: WebhookCreateRequest): Promise<Webhook> {
    const template = '/v1/webhooks/group/{id}';
    return this.readOne(
      { method: 'POST', template, path: at(template, groupId), body: request, accept: ACCEPT_V1 },
      webhookSchema,
      idOf,
    );
  }

  updateWebhook(id: string, patch: WebhookUpdateRequest): Promise<Webhook> {
    const template = '/v1/webhooks/{id}';
    return this.readOne(
      { method: 'PATCH', template, path: at(template, id), body: patch, accept: ACCEPT_V1 },
      webhookSchema,
      idOf,
    );
  }

  /** Fivetran answers 200 with `{code, message}` (no `data`). */
  deleteWebhook(id: string): Promise<void> {
    const template = '/v1/webhooks/{id}';
    return this.sendOnly({ method: 'DELETE', template, path: at(template, id), accept: ACCEPT_V1 });
  }

  /** Asks Fivetran to send a dummy event (for connection `_connector_1`) to the webhook's URL. */
  testWebhook(id: string, event = 'sync_end'): Promise<WebhookTestResult> {
    const template = '/v1/webhooks/{id}/test';
    return this.readOne(
      { method: 'POST', template, path: at(template, id), body: { event }, accept: ACCEPT_V1 },
      webhookTestResultSchema,
      null,
    );
  }
}

/** For endpoints the product can live without: "not served here" becomes `EndpointUnavailableError`. */
function optionalEndpointError(endpoint: string, error: unknown): unknown {
  if (error instanceof EndpointUnavailableError || isConnectionGone(error)) return error;
  if (error instanceof NotFoundError) return new EndpointUnavailableError(endpoint, error.message);
  if (error instanceof FivetranApiError && error.status === 405) {
    return new EndpointUnavailableError(endpoint, error.message);
  }
  return error;
}
