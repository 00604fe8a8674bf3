import * as z from 'zod';
import type { AlertOutboxRepository } from '../store/repositories/alert-outbox.ts';
import { channelAccepts } from './alert-channels.ts';
import type { AlertIntent } from './alert-intent.ts';
import { alertMessageSchema, CHANNEL_NAMES, type ChannelName, channelNameSchema } from './alert-model.ts';
import type { AlertPlan } from './noise-control.ts';

/**
 * The alert outbox: every message is stored before anyone tries to send it, one item per channel, so a
 * crash, a timeout or a 429 loses nothing, and a message already sent is never sent again. This file is the
 * port; the store implements it (DynamoDB deployed, dynalite locally), `memoryAlertOutbox` in tests.
 *
 * No item holds a URL or a key: the channel's name only. The deliverer looks the endpoint up when it sends.
 */
export const OUTBOX_STATUSES = ['pending', 'delivered', 'dead', 'cancelled'] as const;

export const alertOutboxItemSchema = z.object({
  /** `<intent key>#<channel>`. */
  id: z.string().min(1).max(2_100),
  intent_key: z.string().min(1).max(2_048),
  channel: channelNameSchema,
  /** `<channel>|<intent lane>`: the items of one lane leave in `seq` order, one at a time. */
  lane: z.string().min(1).max(2_100),
  seq: z.string().min(1).max(64),
  message: alertMessageSchema,
  status: z.enum(OUTBOX_STATUSES),
  /** Not before this instant: first the intent's own time, later the retry time. */
  due_at: z.string(),
  /** Attempts made so far (a claim that crashed before finishing is not counted). */
  attempts: z.number().int().nonnegative(),
  /** Claimed by a deliverer until then; null when not in flight. */
  lease_until: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  delivered_at: z.string().nullable(),
  /** Why the last attempt failed (`429`, `timeout`, `ECONNREFUSED`, …); never a URL or a key. */
  last_error: z.string().max(300).nullable(),
});
export type AlertOutboxItem = z.infer<typeof alertOutboxItemSchema>;

export type NewOutboxItem = Pick<
  AlertOutboxItem,
  'id' | 'intent_key' | 'channel' | 'lane' | 'seq' | 'message' | 'due_at'
>;

/** A channel that answered 4xx for its endpoint: recorded once, reported once, cleared by a success. */
export interface ChannelFault {
  readonly channel: ChannelName;
  readonly status: number;
  /** What the channel said (its error word), sanitized and short. */
  readonly message: string;
  /** `endpointFingerprint` of the configuration that failed: a new URL or key starts afresh. */
  readonly endpoint: string;
  readonly since: string;
}

/**
 * The alert core's outbox: the table's operations on ids as they are (cancel, settle, retry, give up), and
 * the ones that carry items and channels in the alert shapes.
 */
export interface AlertOutbox
  extends Pick<AlertOutboxRepository, 'cancel' | 'markDelivered' | 'scheduleRetry' | 'markDead'> {
  /** Stores new items (a pending unclaimed one with the same id takes the newer message and due time). */
  enqueue(items: readonly NewOutboxItem[], now: Date): Promise<void>;
  /** Up to `limit` items due by `now`, each the first pending of its lane, leased until `now + leaseMs`. */
  claimDue(now: Date, limit: number, leaseMs: number): Promise<AlertOutboxItem[]>;
  channelFault(channel: ChannelName): Promise<ChannelFault | null>;
  /** Records a fault; true when it is news (no fault with this status for this endpoint yet). */
  recordChannelFault(fault: ChannelFault): Promise<boolean>;
  /** Clears a channel's fault; true when there was one. */
  clearChannelFault(channel: ChannelName): Promise<boolean>;
}

export function outboxItemId(intentKey: string, channel: ChannelName): string {
  return `${intentKey}#${channel}`;
}

/** The items for an intent: one per configured channel that wants the message. */
export function outboxItemsFor(intent: AlertIntent, channels: readonly ChannelName[]): NewOutboxItem[] {
  return channels
    .filter((channel) => channelAccepts(channel, intent.message))
    .map((channel) => ({
      id: outboxItemId(intent.key, channel),
      intent_key: intent.key,
      channel,
      lane: `${channel}|${intent.lane}`,
      seq: intent.seq,
      message: intent.message,
      due_at: intent.due_at,
    }));
}

/** Item ids to cancel for intent keys, on every channel (the set configured may have changed since). */
export function cancelIds(intentKeys: readonly string[]): string[] {
  return intentKeys.flatMap((key) => CHANNEL_NAMES.map((channel) => outboxItemId(key, channel)));
}

/** Applies a plan to the outbox: withdrawals first, so a held change never races its replacement. */
export async function applyPlan(
  outbox: AlertOutbox,
  plan: Pick<AlertPlan, 'enqueue' | 'cancel'>,
  channels: readonly ChannelName[],
  now: Date,
): Promise<void> {
  if (plan.cancel.length > 0) await outbox.cancel(cancelIds(plan.cancel), now);
  const items = plan.enqueue.flatMap((intent) => outboxItemsFor(intent, channels));
  if (items.length > 0) await outbox.enqueue(items, now);
}
