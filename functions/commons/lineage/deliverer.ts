import { backoffDelayMs, retryAfterMs } from '../fivetran/retry-policy.ts';
import { readBounded } from '../lib/read-bounded.ts';
import type { OpenLineageConfig } from './openlineage-config.ts';
import type { DeliveryFailure, LineageOutbox, OutboxClaim } from './outbox.ts';
import { oneLine } from './plain-text.ts';

export interface DeliverySettings {
  /** One POST's whole time, connect to last byte. */
  readonly timeoutMs: number;
  /** Failed attempts before an item is given up (`dead`, kept and alarmed on). */
  readonly maxAttempts: number;
  /** Items claimed per run. */
  readonly batchSize: number;
  /** How long a claim hides an item from other deliverers; longer than a batch's worst case. */
  readonly leaseMs: number;
  /** Backoff between attempts: full jitter, doubling from base to cap. */
  readonly backoff: { readonly baseMs: number; readonly capMs: number };
  /** A Retry-After is honoured up to this. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  timeoutMs: 10_000,
  maxAttempts: 10,
  batchSize: 25,
  leaseMs: 5 * 60_000,
  backoff: { baseMs: 30_000, capMs: 60 * 60_000 },
  maxRetryAfterMs: 6 * 60 * 60_000,
};

/** Structured log lines; fields never carry the API key or the event body. */
export interface DeliveryLog {
  info(message: string, fields: Record<string, unknown>): void;
  warn(message: string, fields: Record<string, unknown>): void;
}

export interface DelivererDeps {
  readonly outbox: LineageOutbox;
  readonly config: OpenLineageConfig;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly log?: DeliveryLog;
  readonly settings?: Partial<DeliverySettings>;
}

export interface DeliveryReport {
  readonly claimed: number;
  readonly delivered: number;
  readonly retried: number;
  readonly deferred: number;
  readonly dead: number;
}

const silent: DeliveryLog = { info() {}, warn() {} };
const ERROR_BODY_BYTES = 300;
const EVENT_ORDER: Readonly<Record<string, number>> = { START: 0, COMPLETE: 1, FAIL: 1 };

type Outcome =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'retry'; readonly failure: DeliveryFailure; readonly retryAfter: string | null }
  | { readonly kind: 'refused'; readonly failure: DeliveryFailure };

/** What can be said about the endpoint in a log: origin and path, never the query (it may hold a token). */
export function endpointLabel(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

function redact(text: string, secret: string | null): string {
  return secret ? text.split(secret).join('[redacted]') : text;
}

/** At most `limit` bytes of a body, so a hostile receiver cannot make us buffer megabytes of error page. */

async function post(deps: DelivererDeps, settings: DeliverySettings, claim: OutboxClaim): Promise<Outcome> {
  const { config } = deps;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(config.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(claim.item.event),
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    const text = name === 'TimeoutError' ? `no answer within ${settings.timeoutMs} ms` : `${name}${cause}`;
    const said = oneLine(redact(text, config.apiKey), ERROR_BODY_BYTES);
    return { kind: 'retry', failure: { error: said, status: null }, retryAfter: null };
  }
  const { status } = response;
  if (status >= 200 && status < 300) {
    await response.body?.cancel().catch(() => {});
    return { kind: 'delivered', status };
  }
  // Read past the kept length by the key's length, so a key echoed back is whole when it is redacted.
  const readLimit = ERROR_BODY_BYTES + (config.apiKey?.length ?? 0);
  const body = redact(await readBounded(response, readLimit), config.apiKey);
  // A receiver's text reaches logs and the item as one line, without control characters.
  const said = oneLine(body, ERROR_BODY_BYTES);
  const failure = { error: `HTTP ${status}${said ? `: ${said}` : ''}`, status };
  // 429 and 5xx are the receiver's load; 401/403/404 a setup the operator can fix: all worth retrying.
  // Any other 4xx (400, 413, 422, …) refuses this event itself, and would refuse it again.
  if (
    status === 429 ||
    status >= 500 ||
    status === 408 ||
    status === 401 ||
    status === 403 ||
    status === 404
  ) {
    return { kind: 'retry', failure, retryAfter: response.headers.get('retry-after') };
  }
  return { kind: 'refused', failure };
}

const runOf = (claim: OutboxClaim) => claim.item.event.run.runId;

/**
 * Sends what is due: claims a batch, POSTs each event (START before the end of the same run), marks it
 * delivered, or schedules a retry with backoff (at least the Retry-After), or gives up after
 * `maxAttempts` or a refusal. An event whose run's earlier event failed in this batch waits behind it.
 */
export async function deliverDue(deps: DelivererDeps): Promise<DeliveryReport> {
  const settings = { ...DEFAULT_DELIVERY_SETTINGS, ...deps.settings };
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const log = deps.log ?? silent;
  const endpoint = endpointLabel(deps.config.url);
  const claims = await deps.outbox.claimDue(now(), settings.batchSize, settings.leaseMs);
  claims.sort(
    (a, b) =>
      a.item.event.eventTime.localeCompare(b.item.event.eventTime) ||
      (EVENT_ORDER[a.item.event.eventType] ?? 2) - (EVENT_ORDER[b.item.event.eventType] ?? 2),
  );
  const held = new Map<string, number>();
  let delivered = 0;
  let retried = 0;
  let deferred = 0;
  let dead = 0;
  for (const claim of claims) {
    const heldUntil = held.get(runOf(claim));
    if (heldUntil !== undefined) {
      await deps.outbox.markRetry(claim, heldUntil, null);
      deferred++;
      continue;
    }
    const outcome = await post(deps, settings, claim);
    const fields = { id: claim.item.id, endpoint, attempt: claim.item.attempts + 1 };
    if (outcome.kind === 'delivered') {
      await deps.outbox.markDelivered(claim, now());
      delivered++;
      log.info('lineage event delivered', { ...fields, status: outcome.status });
      continue;
    }
    const exhausted = claim.item.attempts + 1 >= settings.maxAttempts;
    if (outcome.kind === 'refused' || exhausted) {
      await deps.outbox.markDead(claim, now(), outcome.failure);
      dead++;
      log.warn('lineage event given up', {
        ...fields,
        status: outcome.failure.status,
        error: outcome.failure.error,
      });
      continue;
    }
    const backoff = Math.max(1_000, backoffDelayMs(claim.item.attempts + 1, random, settings.backoff));
    const asked = retryAfterMs(outcome.retryAfter, now()) ?? 0;
    const wait = Math.min(settings.maxRetryAfterMs, Math.max(backoff, asked));
    const retryAt = now() + wait;
    await deps.outbox.markRetry(claim, retryAt, outcome.failure);
    held.set(runOf(claim), retryAt);
    retried++;
    log.warn('lineage event delivery failed; will retry', {
      ...fields,
      status: outcome.failure.status,
      error: outcome.failure.error,
      retry_in_ms: wait,
    });
  }
  return { claimed: claims.length, delivered, retried, deferred, dead };
}
