// zod/mini with named imports: the outbox item is written on the webhook Lambda's path (its lineage observer).
import {
  array,
  enum as enumOf,
  type infer as Infer,
  int,
  iso,
  looseObject,
  maxLength,
  minLength,
  nonnegative,
  nullable,
  object,
  string,
  uuid,
} from 'zod/mini';
import type { LineageRunEvent, RunEvent } from './run-events.ts';

export const OUTBOX_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

const instant = iso.datetime({ offset: true });

/** The stored event: checked for the fields delivery relies on, everything else kept as written. */
const storedEventSchema = looseObject({
  eventType: enumOf(['START', 'COMPLETE', 'FAIL']),
  eventTime: instant,
  producer: string(),
  schemaURL: string(),
  run: looseObject({ runId: uuid() }),
  job: looseObject({ namespace: string(), name: string() }),
  inputs: array(looseObject({ namespace: string(), name: string() })),
  outputs: array(looseObject({ namespace: string(), name: string() })),
});

/**
 * One lineage event waiting to be sent, stored with the sync update that caused it (the store writes it
 * only if no item with its `id` exists, so a redelivered webhook adds nothing). Kept after delivery
 * (`delivered`) and after giving up (`dead`): nothing is lost, and the oldest undelivered one is alarmed on.
 */
export const lineageOutboxItemSchema = object({
  id: string().check(minLength(1), maxLength(200)),
  status: enumOf(OUTBOX_STATUSES),
  event: storedEventSchema,
  created_at: instant,
  /** When the item may next be claimed: due time while pending, lease end while claimed. */
  next_attempt_at: instant,
  /** Failed attempts so far (a deferral behind an earlier event of the same run does not count). */
  attempts: int().check(nonnegative()),
  /** The current claim; a settle with another token is ignored (that claim expired and was re-taken). */
  lease_token: nullable(string().check(maxLength(100))),
  delivered_at: nullable(instant),
  last_error: nullable(string().check(maxLength(500))),
  last_status: nullable(int()),
});

export type LineageOutboxItem = Infer<typeof lineageOutboxItemSchema>;

export function newOutboxItem(built: LineageRunEvent, nowMs: number): LineageOutboxItem {
  const now = new Date(nowMs).toISOString();
  return {
    id: built.id,
    status: 'pending',
    event: built.event as RunEvent & Infer<typeof storedEventSchema>,
    created_at: now,
    next_attempt_at: now,
    attempts: 0,
    lease_token: null,
    delivered_at: null,
    last_error: null,
    last_status: null,
  };
}

export interface OutboxClaim {
  readonly item: LineageOutboxItem;
  readonly token: string;
}

export interface DeliveryFailure {
  /** Short, already redacted (never the API key). */
  readonly error: string;
  readonly status: number | null;
}

/**
 * The outbox port. The DynamoDB implementation writes `enqueue` inside the sync's own update (a
 * transaction with `attribute_not_exists(id)`), claims with a conditional update, and queries a
 * status/next_attempt_at index for `claimDue` and `oldestUndelivered`.
 */
export interface LineageOutbox {
  /** Stores the item unless one with its id exists. True when it was new. */
  enqueue(item: LineageOutboxItem): Promise<boolean>;
  /**
   * Pending items due at `nowMs`, oldest `next_attempt_at` first, at most `limit`; each is leased until
   * `nowMs + leaseMs` (a deliverer that dies mid-way leaves it due again after the lease).
   */
  claimDue(nowMs: number, limit: number, leaseMs: number): Promise<OutboxClaim[]>;
  markDelivered(claim: OutboxClaim, nowMs: number): Promise<boolean>;
  /** Due again at `retryAtMs`; `failure` null means a deferral (not counted as an attempt). */
  markRetry(claim: OutboxClaim, retryAtMs: number, failure: DeliveryFailure | null): Promise<boolean>;
  /** Given up: kept, never claimed again, still counted by `oldestUndelivered`. */
  markDead(claim: OutboxClaim, nowMs: number, failure: DeliveryFailure): Promise<boolean>;
  /** `created_at` of the oldest item not delivered (pending or dead), for the alarm; null when none. */
  oldestUndelivered(): Promise<string | null>;
}
