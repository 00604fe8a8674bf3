import type { DeliveryFailure, LineageOutbox, LineageOutboxItem, OutboxClaim } from './outbox.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const clipError = (failure: DeliveryFailure) => failure.error.slice(0, 500);

/** The outbox in memory: for tests and for a local server without a table. Same contract as the store's. */
export class MemoryLineageOutbox implements LineageOutbox {
  private readonly items = new Map<string, LineageOutboxItem>();
  private leases = 0;

  async enqueue(item: LineageOutboxItem): Promise<boolean> {
    if (this.items.has(item.id)) return false;
    this.items.set(item.id, structuredClone(item));
    return true;
  }

  async claimDue(nowMs: number, limit: number, leaseMs: number): Promise<OutboxClaim[]> {
    const due = [...this.items.values()]
      .filter((item) => item.status === 'pending' && Date.parse(item.next_attempt_at) <= nowMs)
      .sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at) || a.id.localeCompare(b.id))
      .slice(0, Math.max(0, limit));
    return due.map((item) => {
      const token = `lease-${++this.leases}`;
      const leased = { ...item, lease_token: token, next_attempt_at: iso(nowMs + leaseMs) };
      this.items.set(item.id, leased);
      return { item: structuredClone(leased), token };
    });
  }

  /** Applies a settle only under the claim's own lease: a late answer from an expired claim changes nothing. */
  private settle(claim: OutboxClaim, change: (item: LineageOutboxItem) => LineageOutboxItem): boolean {
    const current = this.items.get(claim.item.id);
    if (current?.status !== 'pending' || current.lease_token !== claim.token) return false;
    this.items.set(current.id, { ...change(current), lease_token: null });
    return true;
  }

  async markDelivered(claim: OutboxClaim, nowMs: number): Promise<boolean> {
    return this.settle(claim, (item) => ({ ...item, status: 'delivered', delivered_at: iso(nowMs) }));
  }

  async markRetry(claim: OutboxClaim, retryAtMs: number, failure: DeliveryFailure | null): Promise<boolean> {
    return this.settle(claim, (item) => ({
      ...item,
      next_attempt_at: iso(retryAtMs),
      ...(failure
        ? { attempts: item.attempts + 1, last_error: clipError(failure), last_status: failure.status }
        : {}),
    }));
  }

  async markDead(claim: OutboxClaim, nowMs: number, failure: DeliveryFailure): Promise<boolean> {
    return this.settle(claim, (item) => ({
      ...item,
      status: 'dead',
      next_attempt_at: iso(nowMs),
      attempts: item.attempts + 1,
      last_error: clipError(failure),
      last_status: failure.status,
    }));
  }

  async oldestUndelivered(): Promise<string | null> {
    let oldest: string | null = null;
    for (const item of this.items.values()) {
      if (item.status !== 'delivered' && (oldest === null || item.created_at < oldest))
        oldest = item.created_at;
    }
    return oldest;
  }

  /** Everything stored, for tests and the local status page. */
  snapshot(): LineageOutboxItem[] {
    return [...this.items.values()].map((item) => structuredClone(item));
  }
}
