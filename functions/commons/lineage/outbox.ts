import * as z from 'zod';
import type { LineageRunEvent, RunEvent } from './run-events.ts';

export const OUTBOX_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

const instant = z.iso.datetime({ offset: true });

/** The stored event: checked for the fields delivery relies on, everything else kept as written. */
const storedEventSchema = z.looseObject({
  eventType: z.enum(['START', 'COMPLETE', 'FAIL']),
  eventTime: instant,
  producer: z.string(),
  schemaURL: z.string(),
  run: z.looseObject({ runId: z.uuid() }),
  job: z.looseObject({ namespace: z.string(), name: z.string() }),
  inputs: z.array(z.looseObject({ namespace: z.string(), name: z.string() })),
  outputs: z.array(z.looseObject({ namespace: z.string(), name: z.string() })),
});

/**
 * One lineage event waiting to be sent, stored with the sync update that caused it (the store writes it
 * only if no item with its `id` exists, so a redelivered webhook adds nothing). Kept after delivery
 * (`delivered`) and after giving up (`dead`): nothing is lost, and the oldest undelivered one is alarmed on.
 */
export const lineageOutboxItemSchema = z.object({
  id: z.string().min(1).max(200),
  status: z.enum(OUTBOX_STATUSES),
  event: storedEventSchema,
  created_at: instant,
  /** When the item may next be claimed: due time while pending, lease end while claimed. */
  next_attempt_at: instant,
  /** Failed attempts so far (a deferral behind an earlier event of the same run does not count). */
  attempts: z.number().int().nonnegative(),
  /** The current claim; a settle with another token is ignored (that claim expired and was re-taken). */
  lease_token: z.string().max(100).nullable(),
  delivered_at: instant.nullable(),
  last_error: z.string().max(500).nullable(),
  last_status: z.number().int().nullable(),
});

export type LineageOutboxItem = z.infer<typeof lineageOutboxItemSchema>;

export function newOutboxItem(built: LineageRunEvent, nowMs: number): LineageOutboxItem {
  const now = new Date(nowMs).toISOString();
  return {
    id: built.id,
    status: 'pending',
    event: built.event as RunEvent & z.infer<typeof storedEventSchema>,
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
