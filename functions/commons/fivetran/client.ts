import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import { type FivetranCredential, fivetranApiUrl } from '../config/fivetran-settings.ts';
import {
  CredentialRejectedError,
  FivetranApiError,
  MalformedResponseError,
  NotFoundError,
  PermissionMissingError,
  RateLimitedError,
  RepeatedCursorError,
  UnreachableError,
} from './errors.ts';
import { RequestCounter } from './request-counter.ts';
import {
  type BackoffSettings,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  RETRYABLE_STATUSES,
  retryAfterMs,
} from './retry-policy.ts';
import {
  type AccountInfo,
  accountInfoSchema,
  type Connection,
  connectionSchema,
  type Destination,
  destinationSchema,
  envelopeSchema,
  errorBodySchema,
  type Group,
  groupSchema,
  pageSchema,
  type SchemaConfig,
  schemaConfigSchema,
  type Webhook,
  type WebhookCreateRequest,
  type WebhookTestResult,
  type WebhookUpdateRequest,
  webhookSchema,
  webhookTestResultSchema,
} from './schemas.ts';
import { USER_AGENT } from './user-agent.ts';

/** Fivetran's largest page; fewer round trips against a 20,000-requests-per-hour account budget. */
export const PAGE_LIMIT = 1000;

/** Connection and destination endpoints are versioned: v2 avoids known v1 failures (e.g. SQL Server 500s). */
const ACCEPT_V2 = 'application/json;version=2';
const ACCEPT_V1 = 'application/json';

export interface FivetranClientOptions {
  /** Fivetran REST base URL; https, or http to a loopback host (the simulator). */
  readonly baseUrl: string;
  readonly credential: FivetranCredential;
  /** Where the credential lives, named in the 401 message (e.g. `FIVETRAN_API_KEY/FIVETRAN_API_SECRET` or an ARN). */
  readonly credentialName: string;
  /** Per-attempt timeout for reads. Default 30 s. */
  readonly timeoutMs?: number;
  /** Per-attempt timeout for writes; Fivetran's own server timeout is 60 s. Default 90 s. */
  readonly writeTimeoutMs?: number;
  /** Attempts per GET, the first included. Default 5. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffSettings;
  /** Milliseconds the caller can still spend (e.g. a Lambda's remaining time). Default: unlimited. */
  readonly remainingMs?: () => number;
  /** Shared with other clients to count a whole sweep; a fresh one by default. */
  readonly counter?: RequestCounter;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

interface RequestSpec<T> {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path template for counting and messages, e.g. `/v1/connections/{id}`. */
  readonly template: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly accept: string;
  /** Schema of `data`; null for answers that carry none (delete). */
  readonly data: z.ZodType<T> | null;
}

/** What one attempt produced: an HTTP answer (body read in full) or a transport failure. */
type Attempt =
  | { readonly kind: 'answer'; readonly status: number; readonly headers: Headers; readonly text: string }
  | { readonly kind: 'failure'; readonly error: Error };

/**
 * The Fivetran REST client: Basic auth, versioned `Accept`, envelope checks, cursor paging, bounded retries
 * of GETs within the caller's time budget, typed errors and a request counter. Stateless apart from the
 * counter, so one instance can serve a whole sweep.
 */
export class FivetranClient {
  readonly counter: RequestCounter;
  readonly #baseUrl: string;
  readonly #authorization: string;
  readonly #credentialName: string;
  readonly #timeoutMs: number;
  readonly #writeTimeoutMs: number;
  readonly #maxAttempts: number;
  readonly #backoff: BackoffSettings;
  readonly #remainingMs: () => number;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  #rateLimitRemaining: number | null = null;

  constructor(options: FivetranClientOptions) {
    this.#baseUrl = fivetranApiUrl(options.baseUrl);
    const { apiKey, apiSecret } = options.credential;
    this.#authorization = `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`;
    this.#credentialName = options.credentialName;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#writeTimeoutMs = options.writeTimeoutMs ?? 90_000;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.#remainingMs = options.remainingMs ?? (() => Number.POSITIVE_INFINITY);
    this.counter = options.counter ?? new RequestCounter();
    this.#fetch = options.fetch ?? fetch;
    this.#sleep = options.sleep ?? ((ms) => delay(ms));
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  /**
   * The account's remaining hourly requests as the last answer reported (`X-Rate-Limit-Remaining`), or
   * null when Fivetran did not say: a long run can stop before it exhausts the budget others share.
   */
  get rateLimitRemaining(): number | null {
    return this.#rateLimitRemaining;
  }

  accountInfo(): Promise<AccountInfo> {
    return this.#request({
      method: 'GET',
      template: '/v1/account/info',
      path: '/v1/account/info',
      accept: ACCEPT_V1,
      data: accountInfoSchema,
    });
  }

  groupPages(): AsyncGenerator<Page<Group>> {
    return this.#pages('/v1/groups', {}, ACCEPT_V1, groupSchema);
  }

  destinationPages(): AsyncGenerator<Page<Destination>> {
    return this.#pages('/v1/destinations', {}, ACCEPT_V2, destinationSchema);
  }

  destination(id: string): Promise<Destination> {
    return this.#request({
      method: 'GET',
      template: '/v1/destinations/{id}',
      path: `/v1/destinations/${encodeURIComponent(id)}`,
      accept: ACCEPT_V2,
      data: destinationSchema,
    });
  }

  /** Account-wide listing (`GET /v1/connections`), optionally narrowed to one group. */
  connectionPages(filter: { readonly groupId?: string } = {}): AsyncGenerator<Page<Connection>> {
    return this.#pages('/v1/connections', { group_id: filter.groupId }, ACCEPT_V2, connectionSchema);
  }

  connection(id: string): Promise<Connection> {
    return this.#request({
      method: 'GET',
      template: '/v1/connections/{id}',
      path: `/v1/connections/${encodeURIComponent(id)}`,
      accept: ACCEPT_V2,
      data: connectionSchema,
    });
  }

  /** Throws `NotFoundError` with code `NotFound_SchemaConfig` for a connection with no schema yet. */
  connectionSchemas(id: string): Promise<SchemaConfig> {
    return this.#request({
      method: 'GET',
      template: '/v1/connections/{id}/schemas',
      path: `/v1/connections/${encodeURIComponent(id)}/schemas`,
      accept: ACCEPT_V1,
      data: schemaConfigSchema,
    });
  }

  webhookPages(): AsyncGenerator<Page<Webhook>> {
    return this.#pages('/v1/webhooks', {}, ACCEPT_V1, webhookSchema);
  }

  webhook(id: string): Promise<Webhook> {
    return this.#request({
      method: 'GET',
      template: '/v1/webhooks/{id}',
      path: `/v1/webhooks/${encodeURIComponent(id)}`,
      accept: ACCEPT_V1,
      data: webhookSchema,
    });
  }

  /** Fivetran probes the URL before answering; an unreachable or failing URL is a 400 `FivetranApiError`. */
  createAccountWebhook(request: WebhookCreateRequest): Promise<Webhook> {
    return this.#request({
      method: 'POST',
      template: '/v1/webhooks/account',
      path: '/v1/webhooks/account',
      body: request,
      accept: ACCEPT_V1,
      data: webhookSchema,
    });
  }

  createGroupWebhook(groupId: string, request: WebhookCreateRequest): Promise<Webhook> {
    return this.#request({
      method: 'POST',
      template: '/v1/webhooks/group/{id}',
      path: `/v1/webhooks/group/${encodeURIComponent(groupId)}`,
      body: request,
      accept: ACCEPT_V1,
      data: webhookSchema,
    });
  }

  updateWebhook(id: string, patch: WebhookUpdateRequest): Promise<Webhook> {
    return this.#request({
      method: 'PATCH',
      template: '/v1/webhooks/{id}',
      path: `/v1/webhooks/${encodeURIComponent(id)}`,
      body: patch,
      accept: ACCEPT_V1,
      data: webhookSchema,
    });
  }

  async deleteWebhook(id: string): Promise<void> {
    await this.#request({
      method: 'DELETE',
      template: '/v1/webhooks/{id}',
      path: `/v1/webhooks/${encodeURIComponent(id)}`,
      accept: ACCEPT_V1,
      data: null,
    });
  }

  /** Asks Fivetran to send a dummy event (for connection `_connector_1`) to the webhook's URL. */
  testWebhook(id: string, event = 'sync_end'): Promise<WebhookTestResult> {
    return this.#request({
      method: 'POST',
      template: '/v1/webhooks/{id}/test',
      path: `/v1/webhooks/${encodeURIComponent(id)}/test`,
      body: { event },
      accept: ACCEPT_V1,
      data: webhookTestResultSchema,
    });
  }

  /**
   * Follows `next_cursor` at the largest page size. Ends on a missing, null or empty cursor; a cursor seen
   * before is an error rather than an endless loop.
   */
  async *#pages<T>(
    path: string,
    query: Readonly<Record<string, string | undefined>>,
    accept: string,
    item: z.ZodType<T>,
  ): AsyncGenerator<Page<T>> {
    const seen = new Set<string>();
    let cursor: string | undefined;
    const schema = pageSchema(item);
    for (;;) {
      const page = await this.#request({
        method: 'GET',
        template: path,
        path,
        query: { ...query, limit: String(PAGE_LIMIT), cursor },
        accept,
        data: schema,
      });
      const next = page.next_cursor ? page.next_cursor : null;
      if (next !== null && seen.has(next)) throw new RepeatedCursorError(`GET ${path}`);
      if (next !== null) seen.add(next);
      yield { items: page.items, nextCursor: next };
      if (next === null) return;
      cursor = next;
    }
  }

  async #request<T>(spec: RequestSpec<T>): Promise<T> {
    const endpoint = `${spec.method} ${spec.template}`;
    const retries = spec.method === 'GET';
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(spec);
      this.counter.record(endpoint, outcome.kind === 'answer' ? outcome.status : 'error');
      const canRetry = retries && attempt < this.#maxAttempts;

      if (outcome.kind === 'failure') {
        if (canRetry && (await this.#backoffFits(attempt))) continue;
        throw new UnreachableError(endpoint, attempt, null, describeFailure(outcome.error), {
          cause: outcome.error,
        });
      }

      const { status } = outcome;
      const remaining = outcome.headers.get('x-rate-limit-remaining')?.trim();
      if (remaining && /^\d+$/.test(remaining)) this.#rateLimitRemaining = Number(remaining);
      if (status >= 200 && status < 300) return this.#readData(endpoint, spec, outcome.text, status);
      if (status === 429) {
        const waitMs = retryAfterMs(outcome.headers.get('retry-after'), this.#now());
        const seconds = waitMs === null ? null : Math.ceil(waitMs / 1_000);
        if (!canRetry) throw new RateLimitedError(endpoint, seconds);
        if (waitMs === null) {
          if (await this.#backoffFits(attempt)) continue;
          throw new RateLimitedError(endpoint, seconds);
        }
        // Sleeping past the caller's deadline would only turn a clean stop into a timeout.
        if (waitMs > this.#remainingMs()) throw new RateLimitedError(endpoint, seconds);
        await this.#sleep(waitMs);
        continue;
      }
      if (RETRYABLE_STATUSES.has(status)) {
        if (canRetry && (await this.#backoffFits(attempt))) continue;
        throw new UnreachableError(endpoint, attempt, status, `last answer HTTP ${status}`);
      }
      throw this.#httpError(endpoint, status, outcome.text);
    }
  }

  /** Sleeps the jittered backoff when it fits the remaining budget; false means give up now. */
  async #backoffFits(attempt: number): Promise<boolean> {
    const waitMs = backoffDelayMs(attempt, this.#random, this.#backoff);
    if (waitMs > this.#remainingMs()) return false;
    await this.#sleep(waitMs);
    return true;
  }

  async #attempt<T>(spec: RequestSpec<T>): Promise<Attempt> {
    const url = new URL(this.#baseUrl + spec.path);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, value);
    }
    const headers: Record<string, string> = {
      Authorization: this.#authorization,
      Accept: spec.accept,
      'User-Agent': USER_AGENT,
    };
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }
    const timeoutMs = spec.method === 'GET' ? this.#timeoutMs : this.#writeTimeoutMs;
    try {
      // The timeout covers reading the body too: a stalled or cut-off body is a transport failure.
      const response = await this.#fetch(url, {
        method: spec.method,
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      const text = await response.text();
      return { kind: 'answer', status: response.status, headers: response.headers, text };
    } catch (error) {
      return { kind: 'failure', error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  #readData<T>(endpoint: string, spec: RequestSpec<T>, text: string, status: number): T {
    if (spec.data === null && (status === 204 || text.trim() === '')) return undefined as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new MalformedResponseError(endpoint, `body is not JSON (${text.length} characters)`);
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) throw new MalformedResponseError(endpoint, 'body is not a {code, data} envelope');
    if (envelope.data.code !== 'Success') {
      throw new MalformedResponseError(endpoint, `envelope code is "${envelope.data.code}", not "Success"`);
    }
    if (spec.data === null) return undefined as T;
    if (envelope.data.data === undefined || envelope.data.data === null) {
      throw new MalformedResponseError(endpoint, 'envelope has no data');
    }
    const data = spec.data.safeParse(envelope.data.data);
    if (!data.success) {
      const issue = data.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : 'data';
      throw new MalformedResponseError(endpoint, `data.${where}: ${issue?.message ?? 'invalid'}`);
    }
    return data.data;
  }

  #httpError(endpoint: string, status: number, text: string): Error {
    const { code, message } = readErrorBody(text);
    if (status === 401) return new CredentialRejectedError(endpoint, this.#credentialName);
    if (status === 403) return new PermissionMissingError(endpoint, message);
    if (status === 404) return new NotFoundError(endpoint, code, message);
    return new FivetranApiError(endpoint, status, code, message);
  }
}

/** Reads `{code, message}` when the body has them; a missing or non-JSON body (a bare 401) gives nulls. */
function readErrorBody(text: string): { code: string | null; message: string | undefined } {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      return { code: parsed.data.code ?? null, message: parsed.data.message?.slice(0, 300) };
    }
  } catch {
    // Not JSON: fall through.
  }
  return { code: null, message: undefined };
}

function describeFailure(error: Error): string {
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'the request timed out';
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}

/** Every item of a paged listing, for callers that do not need to stream. */
export async function collectItems<T>(pages: AsyncIterable<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...page.items);
  return items;
}
