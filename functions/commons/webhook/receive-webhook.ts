import type { EventRecorder } from '../ingest/record-event.ts';
import type { WebhookSecretSource } from '../webhook-secret/secret-source.ts';
import type { Headers } from './signature.ts';
import { decideWebhook, MAX_WEBHOOK_BODY_BYTES, type WebhookDecision } from './webhook-decision.ts';

export type WebhookOutcome =
  | 'too_large'
  | 'signature_invalid'
  | 'probe'
  | 'stored'
  | 'duplicate'
  | 'quarantined'
  | 'unavailable';

/** The body of a 200: the event kept (or its duplicate), the quarantined body, or the probe acknowledged. */
export type WebhookAccepted =
  | { readonly event: string; readonly id: string; readonly duplicate?: true }
  | { readonly reason: string; readonly id: string }
  | { readonly message: string };

interface AnswerFacts {
  readonly outcome: WebhookOutcome;
  /** Whether the secrets were re-read for this delivery (a signature matched none of the cached ones). */
  readonly secretsReread: boolean;
}

export type WebhookAnswer =
  | (AnswerFacts & { readonly status: 200; readonly body: WebhookAccepted })
  | (AnswerFacts & { readonly status: 401 | 413 | 503; readonly body: { readonly message: string } });

export interface WebhookReceiver {
  readonly recorder: EventRecorder;
  readonly secrets: WebhookSecretSource;
  /** Told about failures behind a 503 or a best-effort step; never given secrets or bodies. */
  readonly onError?: (error: unknown, step: 'secrets' | 'store' | 'probe-count') => void;
}

const unavailable = (secretsReread: boolean): WebhookAnswer => ({
  status: 503,
  body: { message: 'temporarily unable to keep this delivery; retry later' },
  outcome: 'unavailable',
  secretsReread,
});

/**
 * One delivery, as every shell answers it (the contract's order): 413 too large, 401 unsigned or wrongly
 * signed (except the exact creation probe), 200 quarantined when signed but unreadable, 200 stored (also for
 * a duplicate), 503 when the secrets or the store cannot be reached. A 2xx is only sent after the delivery
 * is durably kept.
 */
export async function receiveWebhook(
  receiver: WebhookReceiver,
  delivery: { readonly body: Uint8Array; readonly headers: Headers },
): Promise<WebhookAnswer> {
  const { body, headers } = delivery;
  if (body.byteLength > MAX_WEBHOOK_BODY_BYTES) {
    return {
      status: 413,
      body: { message: `body exceeds ${MAX_WEBHOOK_BODY_BYTES} bytes` },
      outcome: 'too_large',
      secretsReread: false,
    };
  }
  let decision: WebhookDecision;
  let secretsReread = false;
  try {
    decision = decideWebhook({ body, headers, secrets: await receiver.secrets.current() });
    if (decision.action === 'reject' && decision.reason === 'mismatch') {
      const fresh = await receiver.secrets.reread();
      if (fresh !== null) {
        secretsReread = true;
        decision = decideWebhook({ body, headers, secrets: fresh });
      }
    }
  } catch (error) {
    receiver.onError?.(error, 'secrets');
    return unavailable(secretsReread);
  }

  try {
    switch (decision.action) {
      case 'reject':
        return decision.status === 413
          ? { status: 413, body: { message: 'body too large' }, outcome: 'too_large', secretsReread }
          : {
              status: 401,
              body: { message: 'invalid or missing signature' },
              outcome: 'signature_invalid',
              secretsReread,
            };
      case 'probe':
        // Counting the probe is best effort: webhook creation must not fail over a counter.
        await receiver.recorder
          .recordProbe()
          .catch((error: unknown) => receiver.onError?.(error, 'probe-count'));
        return {
          status: 200,
          body: { message: 'creation probe acknowledged' },
          outcome: 'probe',
          secretsReread,
        };
      case 'quarantine':
        await receiver.recorder.recordQuarantine({ id: decision.id, reason: decision.reason, body });
        return {
          status: 200,
          body: { reason: decision.reason, id: decision.id },
          outcome: 'quarantined',
          secretsReread,
        };
      case 'store': {
        const { duplicate, quarantined } = await receiver.recorder.recordEvent(
          decision.event,
          decision.id,
          body,
        );
        if (quarantined !== undefined) {
          return {
            status: 200,
            body: { reason: quarantined, id: decision.id },
            outcome: 'quarantined',
            secretsReread,
          };
        }
        return {
          status: 200,
          body: { event: decision.event.event, id: decision.id, ...(duplicate ? { duplicate: true } : {}) },
          outcome: duplicate ? 'duplicate' : 'stored',
          secretsReread,
        };
      }
    }
  } catch (error) {
    receiver.onError?.(error, 'store');
    return unavailable(secretsReread);
  }
}
