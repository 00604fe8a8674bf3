import { setTimeout as delay } from 'node:timers/promises';
import type * as z from 'zod';
import { type FivetranCredential, fivetranApiUrl } from '../config/fivetran-settings.ts';
import { describeFailure, readEnvelope, readErrorBody } from './envelope.ts';
import {
  CredentialRejectedError,
  FivetranApiError,
  MalformedResponseError,
  NotFoundError,
  PermissionMissingError,
  RateBudgetExhaustedError,
  RateLimitedError,
  RepeatedCursorError,
  ResponseTooLargeError,
  TooManyPagesError,
  UnreachableError,
} from './errors.ts';
import type { Page } from './page.ts';
import {
  budgetExhausted,
  defaultRateLimitReserve,
  limitFromRateLimitMessage,
  NO_RATE_LIMIT_SEEN,
  observeRateLimit,
  type RateLimitState,
} from './rate-limit.ts';
import { RequestCounter } from './request-counter.ts';
import {
  type BackoffSettings,
  backoffDelayMs,
  DEFAULT_BACKOFF,
  RETRYABLE_STATUSES,
  retryAfterMs,
} from './retry-policy.ts';
import { pageEnvelopeSchema } from './schemas.ts';
import { type IdentityOf, idField, readItem, readItems, type Unreadable } from './tolerant-read.ts';
import { attempt, DEFAULT_MAX_RESPONSE_BYTES } from './transport.ts';
import { USER_AGENT } from './user-agent.ts';

/** Fivetran's largest page; fewer round trips against a 20,000-requests-per-hour account budget. */
export const PAGE_LIMIT = 1000;
/** A listing longer than this many pages (1,000,000 items at 1,000 a page) is not followed further. */
export const DEFAULT_MAX_PAGES = 1000;

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
  /** A successful body larger than this is refused while streaming (`ResponseTooLargeError`). Default 32 MiB. */
  readonly maxResponseBytes?: number;
  /** Pages one listing may take before `TooManyPagesError`. Default 1,000. */
  readonly maxPages?: number;
  /**
   * Requests left to the account's other tools: at or below this `X-Rate-Limit-Remaining` the client stops
   * (`RateBudgetExhaustedError`). Default 2 % of the account's `X-Rate-Limit`, at least 10; 0 turns it off.
   */
  readonly rateLimitReserve?: number;
  /** Told about every item or field the client could not read (pages also carry them in `unreadable`). */
  readonly onUnreadable?: (endpoint: string, entry: Unreadable) => void;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path template for counting and messages, e.g. `/v1/connections/{id}`. */
  readonly template: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
  readonly accept: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The HTTP half of the Fivetran client: Basic auth, versioned `Accept`, envelope checks, tolerant reading,
 * cursor paging with a page cap, a streamed size cap, bounded retries of GETs within the caller's time
 * budget, the account's rate-limit headers, typed errors and a request counter. `FivetranClient` adds the
 * endpoints.
 */
export class FivetranHttp {
  readonly counter: RequestCounter;
  readonly #baseUrl: string;
  readonly #authorization: string;
  readonly #credentialName: string;
  readonly #timeoutMs: number;
  readonly #writeTimeoutMs: number;
  readonly #maxAttempts: number;
  readonly #backoff: BackoffSettings;
  readonly #remainingMs: () => number;
  readonly #maxResponseBytes: number;
  readonly #maxPages: number;
  readonly #reserve: number | null;
  readonly #onUnreadable: (endpoint: string, entry: Unreadable) => void;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  #rateLimit: RateLimitState = NO_RATE_LIMIT_SEEN;

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
    this.#maxResponseBytes = Math.max(1, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    this.#maxPages = Math.max(1, options.maxPages ?? DEFAULT_MAX_PAGES);
    this.#reserve = options.rateLimitReserve ?? null;
    this.#onUnreadable = options.onUnreadable ?? (() => {});
    this.#fetch = options.fetch ?? fetch;
    this.#sleep = options.sleep ?? ((ms) => delay(ms));
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
  }

  get baseUrl(): string {
    return this.#baseUrl;
  }

  /** What Fivetran last said about the account's hourly budget (`X-Rate-Limit`, `X-Rate-Limit-Remaining`). */
  get rateLimit(): RateLimitState {
    return this.#rateLimit;
  }

  /** The account's remaining hourly requests as last reported, or null when Fivetran did not say. */
  get rateLimitRemaining(): number | null {
    return this.#rateLimit.remaining;
  }

  /** One object in `data`; only its identity must be readable (`identityOf` null: none needed). */
  protected async readOne<T>(
    spec: RequestSpec,
    schema: z.ZodType<T>,
    identityOf: IdentityOf | null,
  ): Promise<T> {
    const endpoint = `${spec.method} ${spec.template}`;
    const data = await this.#data(spec);
    const result = readItem(schema, data, identityOf);
    if (result.unreadable !== null) this.#onUnreadable(endpoint, result.unreadable);
    if (result.value === null)
      throw new MalformedResponseError(endpoint, `data ${result.unreadable?.problem}`);
    return result.value;
  }

  /** A request whose answer carries no `data` worth reading (a delete): only the envelope is checked. */
  protected async sendOnly(spec: RequestSpec): Promise<void> {
    await this.#send(spec, true);
  }

  /**
   * Follows the cursor (`next_cursor`, or the 2024 `nextCursor`) at the largest page size. Ends on a missing,
   * null or empty cursor; a cursor seen before, or more than `maxPages` pages, is an error rather than an
   * endless loop. Each item is read on its own (see `Page.unreadable`).
   */
  protected async *pages<T>(
    spec: Omit<RequestSpec, 'method'>,
    schema: z.ZodType<T>,
    identityOf: IdentityOf = idField,
  ): AsyncGenerator<Page<T>> {
    const endpoint = `GET ${spec.template}`;
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let pageNumber = 1; ; pageNumber++) {
      if (pageNumber > this.#maxPages) throw new TooManyPagesError(endpoint, this.#maxPages);
      const data = await this.#data({
        ...spec,
        method: 'GET',
        query: { ...spec.query, limit: String(PAGE_LIMIT), cursor },
      });
      const envelope = pageEnvelopeSchema.safeParse(data);
      if (!envelope.success) {
        const issue = envelope.error.issues[0];
        const where = issue?.path.length ? `.${issue.path.join('.')}` : '';
        throw new MalformedResponseError(endpoint, `data${where}: ${issue?.message ?? 'not a page'}`);
      }
      const raw = envelope.data.next_cursor || envelope.data.nextCursor;
      const next = raw ? raw : null;
      if (next !== null && seen.has(next)) throw new RepeatedCursorError(endpoint);
      if (next !== null) seen.add(next);
      const read = readItems(schema, envelope.data.items, identityOf);
      for (const entry of read.unreadable) this.#onUnreadable(endpoint, entry);
      yield {
        items: read.items,
        nextCursor: next,
        unreadable: read.unreadable,
        unreadableTotal: read.unreadableTotal,
        warning:
          next === null && envelope.data.items.length >= PAGE_LIMIT ? 'full_page_without_cursor' : null,
      };
      if (next === null) return;
      cursor = next;
    }
  }

  /** The checked envelope's `data`. */
  async #data(spec: RequestSpec): Promise<unknown> {
    const endpoint = `${spec.method} ${spec.template}`;
    const data = await this.#send(spec, false);
    if (data === undefined || data === null)
      throw new MalformedResponseError(endpoint, 'envelope has no data');
    if (!isRecord(data)) throw new MalformedResponseError(endpoint, 'envelope data is not an object');
    return data;
  }

  /** Sends with retries; returns the envelope's `data` of a 2xx answer (undefined when `bodyOptional` and none). */
  async #send(spec: RequestSpec, bodyOptional: boolean): Promise<unknown> {
    const endpoint = `${spec.method} ${spec.template}`;
    const retries = spec.method === 'GET';
    for (let attemptNumber = 1; ; attemptNumber++) {
      this.#checkBudget(endpoint);
      const outcome = await attempt(this.#fetch, this.#attemptRequest(spec));
      this.counter.record(endpoint, outcome.kind === 'failure' ? 'error' : outcome.status);
      const canRetry = retries && attemptNumber < this.#maxAttempts;

      if (outcome.kind === 'failure') {
        if (canRetry && (await this.#backoffFits(attemptNumber))) continue;
        throw new UnreachableError(endpoint, attemptNumber, null, describeFailure(outcome.error), {
          cause: outcome.error,
        });
      }
      if (outcome.kind === 'too_large') {
        // Another attempt would download the same oversized answer again.
        throw new ResponseTooLargeError(endpoint, this.#maxResponseBytes, outcome.declaredBytes);
      }

      const { status } = outcome;
      this.#rateLimit = observeRateLimit(this.#rateLimit, outcome.headers, this.#now());
      if (status >= 200 && status < 300) return readEnvelope(endpoint, outcome.text, status, bodyOptional);
      if (status === 429) {
        const stated = limitFromRateLimitMessage(readErrorBody(outcome.text).message);
        if (stated !== null) this.#rateLimit = { ...this.#rateLimit, limit: stated };
        const waitMs = retryAfterMs(outcome.headers.get('retry-after'), this.#now());
        const seconds = waitMs === null ? null : Math.ceil(waitMs / 1_000);
        if (!canRetry) throw new RateLimitedError(endpoint, seconds);
        if (waitMs === null) {
          if (await this.#backoffFits(attemptNumber)) continue;
          throw new RateLimitedError(endpoint, seconds);
        }
        // Sleeping past the caller's deadline would only turn a clean stop into a timeout.
        if (waitMs > this.#remainingMs()) throw new RateLimitedError(endpoint, seconds);
        await this.#sleep(waitMs);
        continue;
      }
      if (RETRYABLE_STATUSES.has(status)) {
        if (canRetry && (await this.#backoffFits(attemptNumber))) continue;
        throw new UnreachableError(endpoint, attemptNumber, status, `last answer HTTP ${status}`);
      }
      throw this.#httpError(endpoint, status, outcome.text);
    }
  }

  #checkBudget(endpoint: string): void {
    const reserve = this.#reserve ?? defaultRateLimitReserve(this.#rateLimit.limit);
    if (reserve <= 0 || !budgetExhausted(this.#rateLimit, reserve, this.#now())) return;
    throw new RateBudgetExhaustedError(endpoint, this.#rateLimit.remaining ?? 0, reserve);
  }

  #attemptRequest(spec: RequestSpec) {
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
    return { url, method: spec.method, headers, body, timeoutMs, maxBytes: this.#maxResponseBytes };
  }

  /** Sleeps the jittered backoff when it fits the remaining budget; false means give up now. */
  async #backoffFits(attemptNumber: number): Promise<boolean> {
    const waitMs = backoffDelayMs(attemptNumber, this.#random, this.#backoff);
    if (waitMs > this.#remainingMs()) return false;
    await this.#sleep(waitMs);
    return true;
  }

  #httpError(endpoint: string, status: number, text: string): Error {
    const { code, message } = readErrorBody(text);
    if (status === 401) return new CredentialRejectedError(endpoint, this.#credentialName);
    if (status === 403) return new PermissionMissingError(endpoint, message);
    if (status === 404) return new NotFoundError(endpoint, code, message);
    return new FivetranApiError(endpoint, status, code, message);
  }
}

export { collectItems, type Page } from './page.ts';
