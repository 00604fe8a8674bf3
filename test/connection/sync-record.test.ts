import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent } from '#commons/connection/apply-event';
import type { Connection, SyncRecord } from '#commons/connection/connection';
import { mergeSyncRecord, syncRecordFromApi } from '#commons/connection/sync-record';
import { applyEventToSyncRun, type SyncRun } from '#commons/connection/sync-run';
import { delivery } from '../support/store-fixture.ts';

const record = (overrides: Partial<SyncRecord>): SyncRecord => ({
  sync_id: 's1',
  status: 'SUCCESSFUL',
  started_at: null,
  ended_at: '2026-06-01T10:00:00.000Z',
  reason: null,
  source: 'webhook',
  ...overrides,
});

describe('Function: mergeSyncRecord', () => {
  it('keeps the webhook’s record on a tie with the API’s', () => {
    // Prepare
    const fromWebhook = record({ reason: null, sync_id: 's1' });
    const fromApi = record({ source: 'api', sync_id: null, status: 'SUCCESSFUL' });

    // Act
    const webhookFirst = mergeSyncRecord(fromWebhook, fromApi);
    const apiFirst = mergeSyncRecord(fromApi, fromWebhook);

    // Assess
    expect(webhookFirst).toEqual(fromWebhook);
    expect(apiFirst).toEqual(fromWebhook);
  });

  it('lets a newer API fact replace an older webhook record', () => {
    // Prepare
    const fromWebhook = record({});
    const fromApi = syncRecordFromApi('2026-06-01T09:00:00.000Z', '2026-06-01T11:00:00.000Z');

    // Act
    const merged = mergeSyncRecord(fromWebhook, fromApi as SyncRecord);

    // Assess
    expect(merged).toEqual({
      sync_id: null,
      status: 'FAILURE',
      started_at: null,
      ended_at: '2026-06-01T11:00:00.000Z',
      reason: null,
      source: 'api',
    });
  });

  it('reads the API’s last completed sync from the later of succeeded_at and failed_at', () => {
    // Act / Assess
    expect(syncRecordFromApi(null, null)).toBeNull();
    expect(syncRecordFromApi('2026-06-01T12:00:00+02:00', '2026-06-01T10:30:00.000Z')?.status).toBe(
      'FAILURE',
    );
    expect(syncRecordFromApi('2026-06-01T12:00:00.000Z', '2026-06-01T10:30:00.000Z')?.status).toBe(
      'SUCCESSFUL',
    );
  });
});

// Property: the connection and the sync runs reached from a set of events do not depend on arrival order
// or on repeats. Realistic syncs: each starts once, and may end more than once (a failure, then a retry).
const minute = (m: number) => new Date(Date.UTC(2026, 5, 1, 10, m)).toISOString();
const syncStarts: Record<string, number> = { a: 0, b: 5, c: 10 };
const anEvent = fc.oneof(
  fc.record({ kind: fc.constant('sync_start'), sync: fc.constantFrom('a', 'b', 'c') }).map((spec) => ({
    ...spec,
    at: minute(syncStarts[spec.sync] ?? 0),
  })),
  fc
    .record({
      kind: fc.constant('sync_end'),
      sync: fc.constantFrom('a', 'b', 'c'),
      after: fc.integer({ min: 0, max: 8 }),
      status: fc.constantFrom('SUCCESSFUL', 'FAILURE', 'RESCHEDULED'),
    })
    .map(({ after, ...spec }) => ({ ...spec, at: minute((syncStarts[spec.sync] ?? 0) + after) })),
  fc.record({
    kind: fc.constantFrom('pause_connector', 'resume_connector', 'delete_connector', 'create_connector'),
    at: fc.integer({ min: 0, max: 20 }).map(minute),
  }),
);

type Spec = { kind: string; at: string; sync?: string; status?: string };
function toDelivery(spec: Spec) {
  return delivery({
    event: spec.kind,
    created: spec.at,
    connector_id: 'c1',
    connector_type: 'postgres',
    connector_name: 'c1_schema',
    destination_group_id: 'g1',
    ...(spec.sync ? { sync_id: spec.sync } : {}),
    ...(spec.status ? { data: { status: spec.status } } : {}),
  });
}

/** Applies events the way the store does: the run and the connection, each from the event alone. */
function replay(specs: readonly Spec[]): {
  connection: Connection | null;
  runs: Record<string, SyncRun | null>;
} {
  let connection: Connection | null = null;
  const runs: Record<string, SyncRun | null> = {};
  for (const spec of specs) {
    const { event } = toDelivery(spec);
    let syncRun: SyncRun | null = null;
    if (spec.sync) {
      syncRun = applyEventToSyncRun(runs[spec.sync] ?? null, event, 'c1');
      runs[spec.sync] = syncRun;
    }
    const applied = applyEvent(connection, event, { nowIso: 'now' });
    if (applied) connection = applied.connection;
  }
  return { connection, runs };
}

describe('Property: event order does not matter', () => {
  it('converges on one connection and one set of sync runs for any order and any repeats', () => {
    fc.assert(
      fc.property(
        fc
          .array(anEvent, { minLength: 1, maxLength: 12 })
          .chain((specs) =>
            fc.tuple(
              fc.constant(specs),
              fc.shuffledSubarray(specs, { minLength: specs.length, maxLength: specs.length }),
            ),
          ),
        ([specs, shuffled]) => {
          // Prepare: the same events shuffled, some delivered twice.
          const withRepeats = [...shuffled, ...specs.slice(0, 3)];

          // Act
          const inOrder = replay(specs);
          const reordered = replay(withRepeats);

          // Assess
          // `since` is when the verdict began as deliveries taught it (a repeated pause can move it): arrival-
          // dependent by nature, so it is left out; the verdict and its reason are not. So is the 7-day roll-up
          // (`sync_ledger`): it counts a run when it becomes the newest completed sync, so an end that arrives
          // after a newer one is left to the sweep's recount (see test/connection/sync-stats.test.ts).
          const strip = (connection: Connection | null) =>
            connection && {
              ...connection,
              updated_at: null,
              sync_ledger: null,
              health_reason: connection.health_reason && { ...connection.health_reason, since: null },
            };
          expect(strip(reordered.connection)).toEqual(strip(inOrder.connection));
          expect(reordered.runs).toEqual(inOrder.runs);
        },
      ),
      { numRuns: 500 },
    );
  });
});
