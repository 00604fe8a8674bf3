import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent } from '#commons/connection/apply-event';
import { type Connection, connectionView } from '#commons/connection/connection';
import { applyEventToSyncRun, type SyncRun } from '#commons/connection/sync-run';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { openCore } from '../support/core.ts';
import { delivery } from '../support/store-fixture.ts';

// The push path writes the run with one conditional update and the connection from a per-process hint, two
// processes may deliver the same connection's events, and redeliveries come: whatever the order, the store
// must hold what the pure merge rules give (the old path read both items first).

const minute = (m: number) => new Date(Date.UTC(2026, 5, 1, 10, m)).toISOString();
const STARTS: Record<string, number> = { a: 0, b: 5, c: 10 };
type Spec = { kind: string; at: string; sync?: string; status?: string; reason?: string };

const anEvent: fc.Arbitrary<Spec> = fc.oneof(
  fc.constantFrom('a', 'b', 'c').map((sync) => ({ kind: 'sync_start', sync, at: minute(STARTS[sync] ?? 0) })),
  fc
    .record({
      sync: fc.constantFrom('a', 'b', 'c'),
      after: fc.integer({ min: 0, max: 8 }),
      status: fc.constantFrom('SUCCESSFUL', 'FAILURE', 'FAILED'),
    })
    .map(({ sync, after, status }) => ({
      kind: 'sync_end',
      sync,
      status,
      reason: status === 'SUCCESSFUL' ? undefined : `${status} at ${after}`,
      at: minute((STARTS[sync] ?? 0) + after),
    })),
  fc.record({
    kind: fc.constantFrom(
      'pause_connector',
      'resume_connector',
      'connection_failure',
      'connection_successful',
    ),
    at: fc.integer({ min: 0, max: 20 }).map(minute),
  }),
);

function toDelivery(connectionId: string, spec: Spec) {
  return delivery({
    event: spec.kind,
    created: spec.at,
    connector_id: connectionId,
    connector_type: 'postgres',
    connector_name: `${connectionId}_schema`,
    destination_group_id: 'g1',
    ...(spec.sync ? { sync_id: spec.sync } : {}),
    ...(spec.status
      ? { data: { status: spec.status, ...(spec.reason ? { reason: spec.reason } : {}) } }
      : {}),
  });
}

/** The pure merge rules, applied in the given order. */
function model(connectionId: string, specs: readonly Spec[]) {
  let connection: Connection | null = null;
  const runs = new Map<string, SyncRun>();
  for (const spec of specs) {
    const { event } = toDelivery(connectionId, spec);
    if (spec.sync) {
      const run = applyEventToSyncRun(runs.get(spec.sync) ?? null, event, connectionId);
      if (run) runs.set(spec.sync, run);
    }
    connection = applyEvent(connection, event, { nowIso: minute(30) })?.connection ?? connection;
  }
  return { connection, runs };
}

const shown = (c: Connection | null) =>
  c && {
    ...connectionView(c),
    updated_at: null,
    health_reason: c.health_reason && { ...c.health_reason, since: null },
  };

describe('Property: the push path stores what the merge rules say, in any order, from two processes', () => {
  let dynamo: LocalDynamo;
  let cases = 0;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it('matches the pure model for shuffled, repeated deliveries split between two recorders', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anEvent, { minLength: 1, maxLength: 10 }),
        fc.infiniteStream(fc.nat()),
        async (specs, seeds) => {
          // Prepare: a connection of its own per case; two "processes" with their own hints over one table.
          const connectionId = `prop_${cases++}`;
          const table = { client: dynamo.documentClient, tableName: dynamo.tableName };
          const processes = [openCore(table), openCore(table)];
          const deliveries = specs
            .flatMap((spec) => [spec, ...((seeds.next().value as number) % 3 === 0 ? [spec] : [])])
            .map((spec) => ({ spec, key: seeds.next().value as number }))
            .sort((a, b) => a.key - b.key);
          // Act
          for (const [i, { spec }] of deliveries.entries()) {
            const d = toDelivery(connectionId, spec);
            const recorder = processes[((seeds.next().value as number) + i) % 2]?.recorder;
            await recorder?.recordEvent(d.event, d.id, d.body);
          }
          // Assess
          const expected = model(connectionId, specs);
          const repositories = processes[0]?.repositories;
          const stored = await repositories?.connections.get(connectionId);
          expect(shown(stored ?? null)).toEqual(shown(expected.connection));
          const runs = await repositories?.syncRuns.listRecent(connectionId);
          const byId = Object.fromEntries((runs ?? []).map((run) => [run.sync_id, run]));
          expect(byId).toEqual(Object.fromEntries(expected.runs));
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
