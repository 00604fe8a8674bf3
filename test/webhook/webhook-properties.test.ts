import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventIdentity } from '#commons/webhook/event-identity';
import { signBody, verifySignature } from '#commons/webhook/signature';
import { decideWebhook } from '#commons/webhook/webhook-decision';
import { syncEndSuccessful, TEST_SECRET } from '../fixtures/webhook-payloads.ts';

/**
 * The envelope fields our reader types (strings, and `data` an object): any other key may hold anything.
 * `__proto__` too, because spreading it into a literal would set a prototype instead of a key.
 */
const ENVELOPE_FIELDS = new Set([
  'event',
  'created',
  'connector_type',
  'connector_id',
  'connection_id',
  'connector_name',
  'connection_name',
  'sync_id',
  'destination_group_id',
  'group_id',
  'data',
  '__proto__',
]);

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

  it('any signed JSON object with an event and no mistyped envelope field is stored; identity ignores whitespace', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.dictionary(
          fc.string().filter((key) => !ENVELOPE_FIELDS.has(key)),
          fc.jsonValue(),
        ),
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
          // Assess
          expect(decision.action).toBe('store');
          if (decision.action === 'store') {
            expect(decision.id).toBe(eventIdentity(JSON.parse(JSON.stringify(object))));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a signed event whose envelope field has the wrong type is quarantined, naming the field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          ...[...ENVELOPE_FIELDS].filter((field) => field !== 'event' && field !== '__proto__'),
        ),
        fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 })),
        (field, wrong) => {
          // Prepare
          const body = Buffer.from(JSON.stringify({ event: 'sync_end', [field]: wrong }));
          // Act
          const decision = decideWebhook({
            body,
            headers: { 'x-fivetran-signature-256': signBody(body, TEST_SECRET) },
            secrets: [TEST_SECRET],
          });
          // Assess
          expect(decision.action).toBe('quarantine');
          if (decision.action === 'quarantine') expect(decision.reason).toContain(field);
        },
      ),
      { numRuns: 200 },
    );
  });
});
