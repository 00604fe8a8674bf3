import type { AlertOutboxRecord, AlertOutboxRepository } from '../store/repositories/alert-outbox.ts';
import { type AlertLogger, channelNameSchema, silentAlertLogger } from './alert-model.ts';
import { type AlertOutbox, type AlertOutboxItem, alertOutboxItemSchema } from './alert-outbox.ts';

/**
 * The `AlertOutbox` port over the table's outbox repository. The store keeps messages as plain objects; here
 * each claimed item is read back through the alert shapes. An item that no longer reads as one (edited by
 * hand, or written by a future version) is marked dead with a log line instead of blocking its lane.
 */
export function tableAlertOutbox(
  repository: AlertOutboxRepository,
  logger: AlertLogger = silentAlertLogger,
): AlertOutbox {
  async function readable(record: AlertOutboxRecord, now: Date): Promise<AlertOutboxItem | null> {
    const parsed = alertOutboxItemSchema.safeParse(record);
    if (parsed.success) return parsed.data;
    await repository.markDead(record.id, { attempts: record.attempts, error: 'unreadable item' }, now);
    logger.error('alert dropped: its stored item is unreadable', { alert: record.intent_key.slice(0, 200) });
    return null;
  }

  return {
    enqueue: (items, now) => repository.enqueue(items, now),
    cancel: (ids, now) => repository.cancel(ids, now),
    async claimDue(now, limit, leaseMs) {
      const claimed = await repository.claimDue(now, limit, leaseMs);
      const items: AlertOutboxItem[] = [];
      for (const record of claimed) {
        const item = await readable(record, now);
        if (item) items.push(item);
      }
      return items;
    },
    markDelivered: (id, now) => repository.markDelivered(id, now),
    scheduleRetry: (id, retry, now) => repository.scheduleRetry(id, retry, now),
    markDead: (id, failure, now) => repository.markDead(id, failure, now),
    async channelFault(channel) {
      const fault = await repository.channelFault(channel);
      const name = channelNameSchema.safeParse(fault?.channel);
      return fault && name.success ? { ...fault, channel: name.data } : null;
    },
    recordChannelFault: (fault) => repository.recordChannelFault(fault),
    clearChannelFault: (channel) => repository.clearChannelFault(channel),
  };
}
