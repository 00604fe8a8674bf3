import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyApiConnection, markDeleted } from '#commons/connection/apply-api';
import { applyEvent } from '#commons/connection/apply-event';
import { type Connection, connectionView } from '#commons/connection/connection';
import { factWins } from '#commons/connection/newest-fact';
import type { Connection as ApiConnection } from '#commons/fivetran/schemas';
import { parseEvent } from '#commons/webhook/parse-event';

const T0 = Date.parse('2026-06-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function api(fields: Partial<ApiConnection> = {}): ApiConnection {
  return {
    id: 'c1',
    group_id: 'g1',
    service: 'postgres',
    schema: 'pg_main',
    paused: false,
    status: {
      setup_state: 'connected',
      sync_state: 'scheduled',
      update_state: 'on_schedule',
      tasks: [],
      warnings: [],
    },
    succeeded_at: iso(T0 - 60_000),
    failed_at: null,
    ...fields,
  } as ApiConnection;
}

function webhook(payload: Record<string, unknown>) {
  const parsed = parseEvent(
    Buffer.from(JSON.stringify({ connector_id: 'c1', connector_type: 'postgres', ...payload })),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

const observed = (ms: number) => ({ observedAtMs: ms, nowIso: iso(ms) });

describe('Function: factWins', () => {
  it.each([
    [T0, null, false, true, 'a default is replaced by any fact'],
    [null, null, false, true, 'even by an undated one'],
    [null, T0, true, false, 'an undated fact never replaces a dated one'],
    [T0 + 1, T0, false, true, 'newer wins'],
    [T0 - 1, T0, true, false, 'older loses, whatever the tie rule'],
    [T0, T0, true, true, 'a tie goes to the side whose rule says so'],
    [T0, T0, false, false, 'and not to the other'],
  ])('factWins(%s, %s, %s) is %s: %s', (at, asOf, tieWins, expected, _why) => {
    // Act / Assess
    expect(factWins(at, asOf, tieWins)).toBe(expected);
  });
});

describe('Function: applyApiConnection', () => {
  it('creates a connection from a listing item, with the API as the source of its last sync', () => {
    // Act
    const connection = applyApiConnection(null, api(), observed(T0));
    // Assess
    expect(connection).toMatchObject({
      id: 'c1',
      group_id: 'g1',
      schema: 'pg_main',
      last_completed_sync: { status: 'SUCCESSFUL', source: 'api', ended_at: iso(T0 - 60_000) },
      updated_at: iso(T0),
    });
  });

  it('leaves an unchanged connection exactly as it was (no write, no new updated_at)', () => {
    // Prepare
    const first = applyApiConnection(null, api(), observed(T0));
    // Act
    const again = applyApiConnection(first, api(), observed(T0 + 60_000));
    // Assess
    expect(again).toEqual(first);
  });

  it('never rolls back a newer webhook pause with an older listing', () => {
    // Prepare
    const listed = applyApiConnection(null, api({ paused: false }), observed(T0));
    const paused = applyEvent(listed, webhook({ event: 'pause_connector', created: iso(T0 + 10_000) }), {
      nowIso: iso(T0 + 10_000),
    })?.connection as Connection;
    // Act: a listing that was read before the pause arrives late.
    const stale = applyApiConnection(paused, api({ paused: false }), observed(T0 + 5_000));
    const fresh = applyApiConnection(paused, api({ paused: false }), observed(T0 + 20_000));
    // Assess
    expect(stale.paused).toBe(true);
    expect(fresh.paused).toBe(false);
  });

  it('restores a deleted connection seen in a newer listing, not in an older one', () => {
    // Prepare
    const deleted = markDeleted(applyApiConnection(null, api(), observed(T0)), observed(T0 + 10_000));
    // Act
    const older = applyApiConnection(deleted, api(), observed(T0 + 5_000));
    const newer = applyApiConnection(deleted, api(), observed(T0 + 20_000));
    // Assess
    expect(deleted.deleted_at).toBe(iso(T0 + 10_000));
    expect(older.deleted_at).toBe(iso(T0 + 10_000));
    expect(newer.deleted_at).toBeNull();
  });

  it('keeps the earliest creation time either source states', () => {
    // Prepare
    const listed = applyApiConnection(null, api({ created_at: iso(T0 - 1_000) }), observed(T0));
    // Act
    const later = applyApiConnection(listed, api({ created_at: iso(T0) }), observed(T0 + 1_000));
    const earlier = applyApiConnection(listed, api({ created_at: iso(T0 - 5_000) }), observed(T0 + 2_000));
    // Assess
    expect(later.created_at).toBe(iso(T0 - 1_000));
    expect(earlier.created_at).toBe(iso(T0 - 5_000));
  });
});

/** One fact about the connection, from either source, at an instant in a small range (so ties happen). */
type Fact =
  | {
      readonly kind: 'webhook';
      readonly event: 'pause_connector' | 'resume_connector' | 'sync_end';
      readonly at: number;
      readonly status: string;
    }
  | {
      readonly kind: 'api';
      readonly at: number;
      readonly paused: boolean;
      readonly synced: number;
      readonly failed: boolean;
    };

const fact: fc.Arbitrary<Fact> = fc.oneof(
  fc.record({
    kind: fc.constant('webhook' as const),
    event: fc.constantFrom('pause_connector' as const, 'resume_connector' as const, 'sync_end' as const),
    at: fc.integer({ min: 0, max: 8 }),
    status: fc.constantFrom('SUCCESSFUL', 'FAILURE', 'RESCHEDULED'),
  }),
  fc.record({
    kind: fc.constant('api' as const),
    at: fc.integer({ min: 0, max: 8 }),
    paused: fc.boolean(),
    synced: fc.integer({ min: 0, max: 8 }),
    failed: fc.boolean(),
  }),
);

function applyFact(current: Connection | null, f: Fact): Connection | null {
  const at = T0 + f.at * 1_000;
  if (f.kind === 'api') {
    const syncedAt = iso(T0 + f.synced * 1_000);
    const listed = api({
      paused: f.paused,
      succeeded_at: f.failed ? null : syncedAt,
      failed_at: f.failed ? syncedAt : null,
    });
    return applyApiConnection(current, listed, observed(at));
  }
  const payload =
    f.event === 'sync_end'
      ? { event: 'sync_end', created: iso(at), sync_id: `s${f.at}`, data: { status: f.status } }
      : { event: f.event, created: iso(at) };
  return applyEvent(current, webhook(payload), { nowIso: iso(at) })?.connection ?? current;
}

/**
 * Sweeps run one at a time (the lease), so their observations arrive in time order; webhook events arrive
 * in any order, some twice. One delivery order: the sweeps in order, each webhook fact (and one duplicate)
 * slotted in at a random place.
 */
function deliveryOrder(facts: readonly Fact[], seeds: fc.Stream<number>): Fact[] {
  const sweeps = facts.filter((f) => f.kind === 'api').sort((a, b) => a.at - b.at);
  const events = facts.filter((f) => f.kind === 'webhook');
  const order: Fact[] = [...sweeps];
  for (const event of [...events, ...events.slice(0, 1)]) {
    order.splice((seeds.next().value as number) % (order.length + 1), 0, event);
  }
  return order;
}

/** What a reader sees (the contract's view); `facts_as_of` is bookkeeping and may record other instants. */
const seen = (c: Connection | null) =>
  c === null
    ? null
    : {
        ...connectionView(c),
        updated_at: null,
        // When the verdict began, as deliveries taught it: arrival-dependent by nature (see sync-record.test).
        health_reason: c.health_reason && { ...c.health_reason, since: null },
      };

describe('Property: webhook events and sweep observations, in any order', () => {
  it('any delivery order converges once a sweep newer than every fact has looked', () => {
    // A sweep that sees an unchanged value writes nothing (so its instant is not kept): a webhook fact older
    // than that sweep but delivered after it can show until the next sweep. That one heals it, whatever order.
    fc.assert(
      fc.property(
        fc.array(fact, { minLength: 1, maxLength: 8 }),
        fc.infiniteStream(fc.nat()),
        fc.infiniteStream(fc.nat()),
        fc.boolean(),
        (facts, seedsA, seedsB, pausedAtEnd) => {
          // Prepare
          const last: Fact = { kind: 'api', at: 9, paused: pausedAtEnd, synced: 9, failed: false };
          // Act
          const one = [...deliveryOrder(facts, seedsA), last].reduce<Connection | null>(applyFact, null);
          const other = [...deliveryOrder(facts, seedsB), last].reduce<Connection | null>(applyFact, null);
          // Assess
          expect(seen(other)).toEqual(seen(one));
          expect(other?.paused).toBe(pausedAtEnd);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('the newest sync, from either source, is the last completed sync in every order', () => {
    fc.assert(
      fc.property(
        fc.array(fact, { minLength: 1, maxLength: 8 }),
        fc.infiniteStream(fc.nat()),
        (facts, seeds) => {
          // Act
          const result = deliveryOrder(facts, seeds).reduce<Connection | null>(applyFact, null);
          const inOrder = facts.reduce<Connection | null>(applyFact, null);
          // Assess: sync facts merge by their own instants, never by arrival.
          expect(result?.last_completed_sync).toEqual(inOrder?.last_completed_sync);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
