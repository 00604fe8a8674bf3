import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventIdentity } from '#commons/webhook/event-identity';
import { parseEvent } from '#commons/webhook/parse-event';
import { signBody, verifySignature } from '#commons/webhook/signature';
import { decideWebhook } from '#commons/webhook/webhook-decision';
import { syncEndSuccessful, TEST_SECRET } from '../fixtures/webhook-payloads.ts';

const headerValue = fc.oneof(
  fc.string(),
  fc.stringMatching(/^[0-9a-fA-F]{0,70}$/),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.constant(undefined),
);
const headers = fc.dictionary(
  fc.oneof(fc.constantFrom('X-Fivetran-Signature-256', 'x-fivetran-signature-256'), fc.string()),
  headerValue,
);

describe('Property: webhook core under arbitrary input', () => {
  it('arbitrary bytes and headers never throw and never verify', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), headers, (body, hdrs) => {
        // Act
        const check = verifySignature(body, hdrs, [TEST_SECRET]);
        const decision = decideWebhook({ body, headers: hdrs, secrets: [TEST_SECRET] });
        // Assess
        expect(check.valid).toBe(false);
        expect([401, 200]).toContain(decision.status);
        expect(decision.action === 'store' || decision.action === 'quarantine').toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('no single-byte mutation of a signed body verifies', () => {
    // Prepare
    const body = Buffer.from(syncEndSuccessful);
    const header = { 'x-fivetran-signature-256': signBody(body, TEST_SECRET) };
    fc.assert(
      fc.property(fc.nat({ max: body.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
        // Act
        const mutated = Buffer.from(body);
        mutated[index] = (mutated[index] ?? 0) ^ flip;
        // Assess
        expect(verifySignature(mutated, header, [TEST_SECRET]).valid).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('any signed JSON object with an event is stored; identity ignores whitespace', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.integer({ min: 0, max: 4 }),
        (event, extra, indent) => {
          // Prepare
          const object = { ...extra, event };
          const body = Buffer.from(JSON.stringify(object, null, indent));
          // Act
          const decision = decideWebhook({
            body,
            headers: { 'x-fivetran-signature-256': signBody(body, TEST_SECRET) },
            secrets: [TEST_SECRET],
          });
          const outcome = parseEvent(body);
          // Assess
          expect(decision.status).toBe(200);
          if (decision.action === 'store' && outcome.ok) {
            expect(decision.id).toBe(eventIdentity(JSON.parse(JSON.stringify(object))));
          } else {
            // Only schema-violating extras (e.g. a non-object `data`) may be quarantined.
            expect(decision.action).toBe('quarantine');
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
