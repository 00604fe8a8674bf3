import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncLedger } from '#commons/connection/sync-stats';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { decodeLedgerAttribute } from '#commons/store/repositories/ledger-codec';
import { eventStream } from './support/event-stream.ts';
import { ALL_FAULTS, type FaultPlan, faultyDynamo } from './support/faulty-dynamo.ts';
import { recordFigure } from './support/figures.ts';
import { type SendReport, sendLikeFivetran } from './support/fivetran-sender.ts';
import { type Item, itemsOfKind, scanTable, sorted } from './support/table-snapshot.ts';
import { webhookRoute } from './support/webhook-route.ts';

const SECRET = 'reliability-storage-secret-0123456789abcdef0123';
/** 300 deliveries over 10 connections: ~285 distinct events, 5% duplicates, 5% out of order. */
const stream = eventStream({ deliveries: 300, connections: 10, seed: 'storage-faults' });

/** Everything a run leaves in the table except the account counters (compared separately). */
async function snapshot(dynamo: LocalDynamo) {
  const items = await scanTable({ client: dynamo.documentClient, tableName: dynamo.tableName });
  const stats = items.get('ACCOUNT|STATS') ?? {};
  items.delete('ACCOUNT|STATS');
  // The item version counts writes (retries add some); it is not part of what the product knows. The 7-day
  // roll-up is folded in delivery order from bounded memory (its own test below), so it is compared apart.
  const derived = ['version', 'sync_ledger'];
  const state = itemsOfKind(items, () => true, derived);
  return {
    state,
    stats,
    events: itemsOfKind(items, 'EVENT'),
    quarantined: itemsOfKind(items, 'QUARANTINE'),
    connections: itemsOfKind(items, 'CONNECTION', derived),
    ledgers: new Map(
      [...itemsOfKind(items, 'CONNECTION').values()].map((item) => [
        String(item.id),
        decodeLedgerAttribute(item.sync_ledger) as SyncLedger | null,
      ]),
    ),
    runs: itemsOfKind(items, (sk) => sk.startsWith('SYNC#')),
  };
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;

function eventIdsOf(events: ReadonlyMap<string, Item>): Set<string> {
  return new Set([...events.keys()].map((key) => key.replace(/^EVENT#/, '').replace(/\|EVENT$/, '')));
}

describe('storage faults: DynamoDB failing, throttling and timing out under a stream of deliveries', () => {
  let truth: Snapshot;

  beforeAll(async () => {
    // The fault-free run, one delivery at a time in stream order: the state every faulty run must reach.
    const dynamo = await startLocalDynamo();
    const route = webhookRoute(dynamo.documentClient, dynamo.tableName, SECRET);
    const report = await sendLikeFivetran(stream.deliveries, (body) => route.deliver(body), {
      concurrency: 1,
    });
    expect(report.byStatus).toEqual({ '200': stream.deliveries.length });
    truth = await snapshot(dynamo);
    await dynamo.close();
  });

  it('the fault-free run keeps every distinct event once and quarantines every unreadable body once', () => {
    // Assess
    expect(eventIdsOf(truth.events)).toEqual(stream.eventIds);
    expect(truth.quarantined.size).toBe(stream.unreadable.size);
    expect(truth.stats.events_quarantined).toBe(stream.unreadable.size);
    expect(truth.connections.size).toBe(stream.connectionIds.length);
  });

  const cases: [string, FaultPlan & { readonly outageFirstAttempts?: number }][] = [
    [
      '10% of calls fail, throttle, time out or lose their response, where the store sees them',
      { rate: 0.1, kinds: ALL_FAULTS, layer: 'above-retries', seed: 1 },
    ],
    [
      '25% of SDK attempts fail, under the SDK retries (lost responses retried by the SDK itself)',
      { rate: 0.25, kinds: ALL_FAULTS, layer: 'below-retries', maxAttempts: 2, seed: 2 },
    ],
    [
      'the table is down for the first 150 attempts, then 5% of calls fail',
      { rate: 1, kinds: ['fail', 'timeout'], layer: 'above-retries', seed: 3, outageFirstAttempts: 150 },
    ],
  ];

  describe.each(cases)('%s', (name, plan) => {
    let dynamo: LocalDynamo;
    let report: SendReport;
    let after: Snapshot;
    let injected: Record<string, number>;
    let failures: string[];

    beforeAll(async () => {
      // Prepare
      dynamo = await startLocalDynamo();
      const faulty = faultyDynamo(dynamo.endpoint, plan);
      const route = webhookRoute(faulty.documentClient, dynamo.tableName, SECRET);
      let attempts = 0;

      // Act: eight deliveries in flight; every non-2xx is retried later, as Fivetran does.
      report = await sendLikeFivetran(
        stream.deliveries,
        (body) => {
          attempts++;
          if (plan.outageFirstAttempts !== undefined && attempts === plan.outageFirstAttempts)
            faulty.setRate(0.05);
          return route.deliver(body);
        },
        { concurrency: 8 },
      );
      injected = { ...faulty.stats.injected };
      failures = route.failures;
      recordFigure('storage faults', {
        case: name,
        deliveries: stream.deliveries.length,
        distinctEvents: stream.eventIds.size,
        attempts: report.attempts,
        byStatus: report.byStatus,
        dynamoCalls: faulty.stats.calls,
        injected,
        seconds: Number(report.seconds.toFixed(1)),
      });
      faulty.destroy();
      after = await snapshot(dynamo);
    });
    afterAll(() => dynamo.close());

    it('answers only 200 or 503 (never a 5xx other than "retry later"), and loses no delivery', () => {
      // Assess
      expect(Object.keys(report.byStatus).sort()).toEqual(['200', '503']);
      expect(report.byStatus['503']).toBeGreaterThan(0);
      expect(report.gaveUp).toEqual([]);
      expect(Object.values(injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(failures.every((failure) => failure.startsWith('store: '))).toBe(true);
    });

    it('keeps each distinct event exactly once, with the bytes Fivetran sent', () => {
      // Assess
      expect(eventIdsOf(after.events)).toEqual(stream.eventIds);
      expect(after.events.size).toBe(stream.eventIds.size);
      expect(sorted(after.events)).toEqual(sorted(itemsOfKind(truth.events, () => true)));
    });

    it('ends with every connection, sync run and quarantined body equal to the fault-free run', () => {
      // Assess
      expect(sorted(after.connections)).toEqual(sorted(truth.connections));
      expect(sorted(after.state)).toEqual(sorted(truth.state));
    });

    it('rolls up only runs it kept, never one twice, and marks a gap for the sweep where it could not count', () => {
      // Act: per connection, the distinct runs the store holds that ended (what the roll-up may count).
      const endedRuns = (snap: Snapshot, connectionId: string) =>
        new Set(
          [...snap.runs.values()]
            .filter((run) => run.connection_id === connectionId && typeof run.ended_at === 'string')
            .map((run) => String(run.sync_id)),
        );

      // Assess
      for (const [connectionId, ledger] of after.ledgers) {
        const counted = (ledger?.days ?? []).reduce((sum, day) => sum + day.runs, 0);
        const kept = endedRuns(after, connectionId);
        expect(counted).toBeLessThanOrEqual(kept.size);
        for (const run of ledger?.recent ?? []) expect(kept.has(run.sync_id)).toBe(true);
        // Runs that came too late to count at once mark a gap: the next sweep recounts them from sync history.
        if (counted < kept.size) expect(ledger?.gap_from).not.toBeNull();
      }
    });

    it('counts every quarantined body; a retried count may only over-count, never under-count', () => {
      // Assess
      expect(after.stats.events_quarantined).toBeGreaterThanOrEqual(stream.unreadable.size);
    });
  });
});
