import { bodyIdentity, eventIdentity } from './event-identity.ts';
import { type FivetranEvent, isCreationProbe, parseEvent } from './parse-event.ts';
import { type Headers, type SignatureCheck, verifySignature } from './signature.ts';

/** Bodies above this are refused with 413; shells enforce it while reading, this is the last line. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

/**
 * What a shell must do with one delivery, checked in the contract's order. Every shell (Lambda, local
 * server) turns this into the same HTTP answer; `store` and `quarantine` must be durably written before
 * answering 200, and a storage failure turns into 503.
 */
export type WebhookDecision =
  | { readonly action: 'reject'; readonly status: 413; readonly reason: 'too_large' }
  | { readonly action: 'reject'; readonly status: 401; readonly reason: 'missing' | 'malformed' | 'mismatch' }
  | { readonly action: 'probe'; readonly status: 200 }
  | {
      readonly action: 'quarantine';
      readonly status: 200;
      readonly reason: string;
      readonly id: string;
      readonly secretIndex: number;
    }
  | {
      readonly action: 'store';
      readonly status: 200;
      readonly event: FivetranEvent;
      readonly id: string;
      readonly secretIndex: number;
    };

export interface WebhookDelivery {
  readonly body: Uint8Array;
  readonly headers: Headers;
  /** Current secret first, then the previous one during a rotation. */
  readonly secrets: readonly string[];
}

export function decideWebhook({ body, headers, secrets }: WebhookDelivery): WebhookDecision {
  if (body.byteLength > MAX_WEBHOOK_BODY_BYTES) return { action: 'reject', status: 413, reason: 'too_large' };
  const signature: SignatureCheck = verifySignature(body, headers, secrets);
  if (!signature.valid) {
    if (isCreationProbe(body)) return { action: 'probe', status: 200 };
    return { action: 'reject', status: 401, reason: signature.reason };
  }
  const parsed = parseEvent(body);
  if (!parsed.ok) {
    return {
      action: 'quarantine',
      status: 200,
      reason: parsed.reason,
      id: bodyIdentity(body),
      secretIndex: signature.secretIndex,
    };
  }
  return {
    action: 'store',
    status: 200,
    event: parsed.event,
    id: eventIdentity(parsed.event.payload),
    secretIndex: signature.secretIndex,
  };
}
