import { createHmac } from 'node:crypto';
import { SIGNATURE_HEADER } from '#commons/webhook/signature';
import type { SimWebhook } from './account.ts';
import type { EventPayload } from './event-payloads.ts';
import type { Random } from './prng.ts';

/** How deliveries behave; mutable at run time. */
export interface DeliveryKnobs {
  /** Chance that a delivery is sent twice (same bytes), as Fivetran's at-least-once retries can. */
  duplicateProbability: number;
  /** Chance that an event is held back and sent right after the next one (or after `holdMs`). */
  outOfOrderProbability: number;
  /** A held-back event goes out at the latest after this long. */
  holdMs: number;
  /** Wait before re-sending a delivery that got a non-2xx answer or none. */
  retryDelayMs: number;
  /** Attempts per delivery, the first included; then it is dropped (Fivetran gives up after about a day). */
  maxAttempts: number;
  /** Fivetran waits 10 s for an answer. */
  timeoutMs: number;
}

export const DEFAULT_DELIVERY_KNOBS: DeliveryKnobs = {
  duplicateProbability: 0,
  outOfOrderProbability: 0,
  holdMs: 1_000,
  retryDelayMs: 5_000,
  maxAttempts: 5,
  timeoutMs: 10_000,
};

/** One attempt, as the simulator's delivery log keeps it. */
export interface DeliveryRecord {
  readonly webhookId: string | null;
  readonly url: string;
  readonly event: string;
  readonly body: string;
  /** The `X-Fivetran-Signature-256` value sent, or null when unsigned. */
  readonly signature: string | null;
  readonly attempt: number;
  /** HTTP status received, or null when no answer came. */
  readonly status: number | null;
  readonly error: string | null;
}

export interface SendResult {
  readonly status: number | null;
  readonly error: string | null;
}

interface Delivery {
  readonly webhook: SimWebhook;
  readonly event: string;
  readonly body: string;
  attempt: number;
}

const LOG_LIMIT = 2_000;

/** HMAC-SHA256 of the exact bytes in lower-case hex, as the live receiver compared it (reference §9). */
export function signLowerHex(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Delivers events to registered webhooks the way Fivetran does: one compact JSON object per POST, signed
 * with the webhook's secret over the exact bytes, retried later when the answer is not 2xx. Deliveries go
 * out one at a time in dispatch order, except the held-back (out-of-order) ones and the retries.
 */
export class WebhookDeliverer {
  readonly knobs: DeliveryKnobs;
  readonly log: DeliveryRecord[] = [];
  readonly #random: Random;
  #chain: Promise<void> = Promise.resolve();
  #pending = 0;
  #held: Delivery[] = [];
  #holdTimer: NodeJS.Timeout | null = null;
  readonly #timers = new Set<NodeJS.Timeout>();
  #waiters: (() => void)[] = [];
  #closed = false;

  constructor(random: Random, knobs: Partial<DeliveryKnobs> = {}) {
    this.#random = random;
    this.knobs = { ...DEFAULT_DELIVERY_KNOBS, ...knobs };
  }

  /** Queues `payload` for every active webhook subscribed to its event and in scope for its group. */
  dispatch(payload: EventPayload, groupId: string | null, webhooks: Iterable<SimWebhook>): void {
    if (this.#closed) return;
    const event = String(payload.event);
    const body = JSON.stringify(payload);
    const fresh: Delivery[] = [];
    for (const webhook of webhooks) {
      if (!webhook.active || !webhook.events.includes(event)) continue;
      if (webhook.type === 'group' && webhook.group_id !== groupId) continue;
      fresh.push({ webhook, event, body, attempt: 0 });
    }
    const released = this.#held;
    this.#held = [];
    this.#clearHoldTimer();
    for (const delivery of fresh) {
      // Hold back only when nothing is held: the held event then goes out right after this newer one.
      if (released.length === 0 && this.#random.chance(this.knobs.outOfOrderProbability))
        this.#hold(delivery);
      else this.#enqueue(delivery);
    }
    // Whatever was held back goes out after the newer events: out of order, as promised.
    for (const delivery of released) {
      this.#pending--;
      this.#enqueue(delivery);
    }
  }

  /** One unsigned POST with no retry, as Fivetran's creation probe; resolves with the answer. */
  probe(url: string, payload: EventPayload): Promise<SendResult> {
    return this.#post(url, JSON.stringify(payload), null, String(payload.event), null, 1);
  }

  /** One signed POST with no retry, as `POST /v1/webhooks/{id}/test`. */
  sendOnce(webhook: SimWebhook, payload: EventPayload): Promise<SendResult> {
    const body = JSON.stringify(payload);
    return this.#post(webhook.url, body, webhook.secret, String(payload.event), webhook.id, 1);
  }

  /** Resolves once nothing is queued, held back or waiting to be retried. */
  async settled(): Promise<void> {
    this.#releaseHeld();
    if (this.#pending === 0) return;
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  close(): void {
    this.#closed = true;
    this.#pending -= this.#held.length;
    this.#held = [];
    this.#clearHoldTimer();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#pending -= this.#timers.size;
    this.#timers.clear();
    this.#notifyIfIdle();
  }

  #hold(delivery: Delivery): void {
    this.#held.push(delivery);
    this.#pending++;
    if (this.#holdTimer === null) {
      this.#holdTimer = setTimeout(() => {
        this.#holdTimer = null;
        this.#releaseHeld();
      }, this.knobs.holdMs);
      this.#holdTimer.unref();
    }
  }

  #releaseHeld(): void {
    const released = this.#held;
    this.#held = [];
    this.#clearHoldTimer();
    for (const delivery of released) {
      this.#pending--;
      this.#enqueue(delivery);
    }
  }

  #clearHoldTimer(): void {
    if (this.#holdTimer !== null) clearTimeout(this.#holdTimer);
    this.#holdTimer = null;
  }

  #enqueue(delivery: Delivery): void {
    this.#pending++;
    this.#chain = this.#chain.then(async () => {
      try {
        await this.#attempt(delivery);
      } finally {
        this.#pending--;
        this.#notifyIfIdle();
      }
    });
  }

  async #attempt(delivery: Delivery): Promise<void> {
    if (this.#closed) return;
    delivery.attempt++;
    const { webhook, body, event } = delivery;
    const result = await this.#post(webhook.url, body, webhook.secret, event, webhook.id, delivery.attempt);
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    if (ok) {
      if (this.#random.chance(this.knobs.duplicateProbability)) {
        await this.#post(webhook.url, body, webhook.secret, event, webhook.id, delivery.attempt);
      }
      return;
    }
    if (delivery.attempt >= this.knobs.maxAttempts || this.#closed) return;
    this.#pending++;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#pending--;
      this.#enqueue(delivery);
    }, this.knobs.retryDelayMs);
    timer.unref();
    this.#timers.add(timer);
  }

  async #post(
    url: string,
    body: string,
    secret: string | null,
    event: string,
    webhookId: string | null,
    attempt: number,
  ): Promise<SendResult> {
    const signature = secret ? signLowerHex(body, secret) : null;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (signature) headers[SIGNATURE_HEADER] = signature;
    let result: SendResult;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.knobs.timeoutMs),
        redirect: 'manual',
      });
      await response.arrayBuffer();
      result = { status: response.status, error: null };
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause;
      result = { status: null, error: cause?.code ?? (error as Error).name };
    }
    this.log.push({ webhookId, url, event, body, signature, attempt, ...result });
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    return result;
  }

  #notifyIfIdle(): void {
    if (this.#pending > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}
