/**
 * What can go wrong talking to Fivetran, as types callers can act on. Messages are written for the
 * operator and never contain the API key or secret.
 */
export abstract class FivetranError extends Error {
  /** The request that failed, as a path template (`GET /v1/connections/{id}`). */
  readonly endpoint: string;

  constructor(endpoint: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.endpoint = endpoint;
  }
}

/** 401: the key–secret pair is not (or no longer) valid. Nothing should change on this answer. */
export class CredentialRejectedError extends FivetranError {
  override name = 'CredentialRejectedError';
  /** The secret (env names or a secret ARN) the operator must update. */
  readonly credentialName: string;

  constructor(endpoint: string, credentialName: string) {
    super(
      endpoint,
      'Fivetran rejected the API key (HTTP 401): the key was regenerated, revoked or expired, or its user ' +
        'was removed (creating a new Fivetran API key disables the old one). ' +
        `Update ${credentialName} with a current key and secret.`,
    );
    this.credentialName = credentialName;
  }
}

/** 403: a valid key whose user or system-key permissions do not cover this request. */
export class PermissionMissingError extends FivetranError {
  override name = 'PermissionMissingError';

  constructor(endpoint: string, detail: string | undefined) {
    super(
      endpoint,
      `Fivetran accepted the API key but refused ${endpoint} (HTTP 403)${detail ? `: ${detail}` : ''}. ` +
        'Give the key’s user (or the system key) read access to the account’s groups and connections.',
    );
  }
}

/** 404, carrying Fivetran's `code` (`NotFound_Connector`, `NotFound_SchemaConfig`, …) when it sent one. */
export class NotFoundError extends FivetranError {
  override name = 'NotFoundError';
  readonly code: string | null;

  constructor(endpoint: string, code: string | null, detail: string | undefined) {
    super(
      endpoint,
      `Fivetran answered 404 for ${endpoint}${code ? ` (${code})` : ''}${detail ? `: ${detail}` : ''}`,
    );
    this.code = code;
  }
}

/** 404 codes that say the connection itself is gone (not merely its schema config). */
const CONNECTION_GONE_CODES: ReadonlySet<string> = new Set(['NotFound_Connector', 'NotFound_Connection']);

/**
 * "No schema config (yet)", not a failure: a connection before its first sync answers
 * `NotFound_SchemaConfig`, and Fivetran also answers a schema path with a generic `{"code":"NotFound"}`
 * (Terraform provider issue 254) or a bare 404. Any 404 on a `/schemas` path counts, except one whose code
 * says the connection itself is gone (the deletion check decides about that).
 */
export function isMissingSchemaConfig(error: unknown): boolean {
  if (!(error instanceof NotFoundError)) return false;
  if (error.code === 'NotFound_SchemaConfig') return true;
  if (error.code !== null && CONNECTION_GONE_CODES.has(error.code)) return false;
  return error.endpoint.includes('/schemas');
}

/** The connection a 404 was about is gone (as opposed to a sub-resource or an endpoint that does not exist). */
export function isConnectionGone(error: unknown): boolean {
  return error instanceof NotFoundError && error.code !== null && CONNECTION_GONE_CODES.has(error.code);
}

/** Network errors, timeouts, or 5xx answers that outlasted the retries. */
export class UnreachableError extends FivetranError {
  override name = 'UnreachableError';
  /** The last HTTP status seen, or null when no answer came at all. */
  readonly lastStatus: number | null;
  readonly attempts: number;

  constructor(
    endpoint: string,
    attempts: number,
    lastStatus: number | null,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(
      endpoint,
      `Fivetran API unreachable for ${endpoint} after ${attempts} attempt(s): ${detail}`,
      options,
    );
    this.lastStatus = lastStatus;
    this.attempts = attempts;
  }
}

/** 429 whose `Retry-After` does not fit the caller's remaining time (or the retries ran out): stop cleanly. */
export class RateLimitedError extends FivetranError {
  override name = 'RateLimitedError';
  /** Seconds Fivetran asked to wait, or null when it did not say. */
  readonly retryAfterSeconds: number | null;

  constructor(endpoint: string, retryAfterSeconds: number | null) {
    super(
      endpoint,
      `Fivetran is rate limiting this account (HTTP 429 on ${endpoint})` +
        (retryAfterSeconds === null ? '' : `; it asks to retry after ${retryAfterSeconds} s`),
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** An answer that is not what the Fivetran API contract says (bad JSON, bad envelope, unexpected shape). */
export class MalformedResponseError extends FivetranError {
  override name = 'MalformedResponseError';

  constructor(endpoint: string, detail: string) {
    super(endpoint, `Fivetran answered ${endpoint} with a malformed response: ${detail}`);
  }
}

/**
 * Fivetran's `X-Rate-Limit-Remaining` fell to the reserve kept for the account's other tools: this client
 * stops before sending more (a `RateLimitedError`, so whatever stops cleanly on a 429 stops on this too).
 */
export class RateBudgetExhaustedError extends RateLimitedError {
  override name = 'RateBudgetExhaustedError';
  readonly remaining: number;
  readonly reserve: number;

  constructor(endpoint: string, remaining: number, reserve: number) {
    super(endpoint, null);
    this.remaining = remaining;
    this.reserve = reserve;
    this.message =
      `Fivetran reports ${remaining} requests left this hour (X-Rate-Limit-Remaining), at or below the ` +
      `${reserve} kept for the account's other tools: stopped before ${endpoint}; the next run resumes`;
  }
}

/** An answer larger than the client accepts: reading stopped at the cap (nothing more was buffered). */
export class ResponseTooLargeError extends FivetranError {
  override name = 'ResponseTooLargeError';
  readonly limitBytes: number;

  constructor(endpoint: string, limitBytes: number, declaredBytes: number | null) {
    super(
      endpoint,
      `Fivetran answered ${endpoint} with more than ${limitBytes} bytes` +
        (declaredBytes === null ? '' : ` (Content-Length ${declaredBytes})`) +
        '; reading stopped at the cap',
    );
    this.limitBytes = limitBytes;
  }
}

/** A listing that would not end within the page cap: stopped rather than followed forever. */
export class TooManyPagesError extends MalformedResponseError {
  override name = 'TooManyPagesError';
  readonly maxPages: number;

  constructor(endpoint: string, maxPages: number) {
    super(endpoint, `the listing did not end within ${maxPages} pages`);
    this.maxPages = maxPages;
  }
}

/**
 * An optional endpoint this account (or this Fivetran) does not serve: a 404 that names no connection, or
 * answers of a shape the client cannot read. Callers degrade quietly and say so once.
 */
export class EndpointUnavailableError extends FivetranError {
  override name = 'EndpointUnavailableError';

  constructor(endpoint: string, detail: string) {
    super(endpoint, `Fivetran's ${endpoint} is not available: ${detail}`);
  }
}

/** A listing handed back a cursor it had already given: following it would loop forever. */
export class RepeatedCursorError extends MalformedResponseError {
  override name = 'RepeatedCursorError';

  constructor(endpoint: string) {
    super(endpoint, 'the listing repeated a next_cursor it had already returned');
  }
}

/** Any other non-success answer (400, 405, 406, 409, 415, …): a request the API refuses as such. */
export class FivetranApiError extends FivetranError {
  override name = 'FivetranApiError';
  readonly status: number;
  readonly code: string | null;

  constructor(endpoint: string, status: number, code: string | null, detail: string | undefined) {
    super(
      endpoint,
      `Fivetran answered HTTP ${status} for ${endpoint}${code ? ` (${code})` : ''}${detail ? `: ${detail}` : ''}`,
    );
    this.status = status;
    this.code = code;
  }
}
