import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALERT_HEALTH_VALUES, type AlertHealth } from '#commons/alerts/alert-model';
import { NOISE_DEFAULTS } from './support/alert-fixtures.ts';
import { believedHealth, type SimulatedChange, simulate } from './support/simulate.ts';

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const QUIET_MS = NOISE_DEFAULTS.quietMinutes * 60_000;
const health = fc.constantFrom(...ALERT_HEALTH_VALUES);

/** Two distinct healths and six distinct instants within one minute. */
const burst = fc.record({
  pair: fc.tuple(health, health).filter(([a, b]) => a !== b),
  offsets: fc.uniqueArray(fc.integer({ min: 0, max: 59_999 }), { minLength: 6, maxLength: 6 }),
  extra: fc.array(fc.integer({ min: 0, max: 59_999 }), { maxLength: 5 }),
});

function alternating(
  pair: readonly [AlertHealth, AlertHealth],
  offsets: readonly number[],
): SimulatedChange[] {
  return [...offsets]
    .sort((a, b) => a - b)
    .map((offset, i) => ({
      atMs: T0 + offset,
      from: i % 2 === 0 ? pair[0] : pair[1],
      to: i % 2 === 0 ? pair[1] : pair[0],
    }));
}

describe('Property: flapping', () => {
  it('six alternating changes within a minute send at most two messages, one saying flapping, then the settled state', async () => {
    await fc.assert(
      fc.asyncProperty(burst, async ({ pair, offsets, extra }) => {
        // Prepare
        const changes = alternating(pair, offsets);
        const last = changes[changes.length - 1]?.atMs ?? T0;
        const settleAt = last + QUIET_MS;

        // Act
        const sent = await simulate(changes, NOISE_DEFAULTS, [
          ...extra.map((e) => T0 + e),
          settleAt - 1,
          settleAt,
        ]);

        // Assess
        const during = sent.filter((s) => s.atMs < settleAt).map((s) => s.message);
        const after = sent.filter((s) => s.atMs >= settleAt).map((s) => s.message);
        expect(during.length).toBeLessThanOrEqual(2);
        expect(during.filter((m) => m.kind === 'flapping')).toHaveLength(1);
        expect(after).toHaveLength(1);
        expect(after[0]).toMatchObject({ kind: 'settled', health: changes[5]?.to, changes: 6 });
      }),
      { numRuns: 300 },
    );
  });

  it('whatever the timing, the last message a reader sees names the health the connection ended in', async () => {
    const history = fc.record({
      start: health,
      steps: fc.array(fc.record({ gapMs: fc.integer({ min: 1, max: 30 * 60_000 }), to: health }), {
        minLength: 1,
        maxLength: 25,
      }),
    });
    await fc.assert(
      fc.asyncProperty(history, async ({ start, steps }) => {
        // Prepare
        const changes: SimulatedChange[] = [];
        let current = start;
        let ms = T0;
        for (const step of steps) {
          ms += step.gapMs;
          if (step.to === current) continue;
          changes.push({ atMs: ms, from: current, to: step.to });
          current = step.to;
        }
        fc.pre(changes.length > 0);

        // Act
        const sent = await simulate(changes, NOISE_DEFAULTS, [ms + 2 * QUIET_MS]);

        // Assess
        const last = sent[sent.length - 1];
        expect(last && believedHealth(last.message)).toBe(current);
        const kinds = sent.map((s) => s.message.kind);
        const flaps = kinds.filter((k) => k === 'flapping').length;
        expect(kinds.filter((k) => k === 'settled')).toHaveLength(flaps);
        expect(sent.length).toBeLessThanOrEqual(changes.length + flaps);
        for (const { message } of sent) {
          if (message.kind === 'change') {
            expect(changes).toContainEqual({
              atMs: Date.parse(message.changed_at),
              from: message.from,
              to: message.to,
            });
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
