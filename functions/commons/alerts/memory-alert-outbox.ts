import type { ChannelName } from './alert-model.ts';
import type { AlertOutbox, AlertOutboxItem, ChannelFault, NewOutboxItem } from './alert-outbox.ts';

/**
 * The outbox in memory: the reference for the port's contract (tests run the deliverer against it, and the
 * store's implementations should pass the same contract tests).
 */
export interface MemoryAlertOutbox extends AlertOutbox {
  /** Every item, for inspection. */
  items(): AlertOutboxItem[];
}

function leased(item: AlertOutboxItem, now: Date): boolean {
  return item.lease_until !== null && Date.parse(item.lease_until) > now.getTime();
}

export function memoryAlertOutbox(): MemoryAlertOutbox {
  const store = new Map<string, AlertOutboxItem>();
  const faults = new Map<ChannelName, ChannelFault>();

  function update(id: string, now: Date, change: Partial<AlertOutboxItem>): void {
    const item = store.get(id);
    if (!item) return;
    store.set(id, { ...item, ...change, updated_at: now.toISOString() });
  }

  return {
    items: () => [...store.values()].map((item) => structuredClone(item)),

    async enqueue(items: readonly NewOutboxItem[], now: Date) {
      const at = now.toISOString();
      for (const item of items) {
        const existing = store.get(item.id);
        if (!existing) {
          store.set(item.id, {
            ...structuredClone(item),
            status: 'pending',
            attempts: 0,
            lease_until: null,
            created_at: at,
            updated_at: at,
            delivered_at: null,
            last_error: null,
          });
        } else if (existing.status === 'pending' && !leased(existing, now)) {
          update(item.id, now, {
            message: structuredClone(item.message),
            due_at: item.due_at,
          });
        }
      }
    },

    async cancel(ids: readonly string[], now: Date) {
      for (const id of ids) {
        const item = store.get(id);
        if (item?.status === 'pending' && !leased(item, now)) update(id, now, { status: 'cancelled' });
      }
    },

    async claimDue(now: Date, limit: number, leaseMs: number) {
      const heads = new Map<string, AlertOutboxItem>();
      for (const item of store.values()) {
        if (item.status !== 'pending') continue;
        const head = heads.get(item.lane);
        if (!head || item.seq < head.seq || (item.seq === head.seq && item.id < head.id))
          heads.set(item.lane, item);
      }
      const due = [...heads.values()]
        .filter((item) => Date.parse(item.due_at) <= now.getTime() && !leased(item, now))
        .sort((a, b) => a.seq.localeCompare(b.seq) || a.id.localeCompare(b.id))
        .slice(0, limit);
      const leaseUntil = new Date(now.getTime() + leaseMs).toISOString();
      for (const item of due) update(item.id, now, { lease_until: leaseUntil });
      return due.map((item) => structuredClone({ ...item, lease_until: leaseUntil }));
    },

    async markDelivered(id, now) {
      update(id, now, {
        status: 'delivered',
        delivered_at: now.toISOString(),
        lease_until: null,
        last_error: null,
      });
    },

    async scheduleRetry(id, retry, now) {
      update(id, now, {
        attempts: retry.attempts,
        due_at: retry.dueAt.toISOString(),
        last_error: retry.error,
        lease_until: null,
      });
    },

    async markDead(id, failure, now) {
      update(id, now, {
        status: 'dead',
        attempts: failure.attempts,
        last_error: failure.error,
        lease_until: null,
      });
    },

    async channelFault(channel) {
      return faults.get(channel) ?? null;
    },

    async recordChannelFault(fault) {
      const existing = faults.get(fault.channel);
      if (existing && existing.endpoint === fault.endpoint && existing.status === fault.status) return false;
      faults.set(fault.channel, fault);
      return true;
    },

    async clearChannelFault(channel) {
      return faults.delete(channel);
    },
  };
}
