import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryLineageOutbox } from '#commons/lineage/memory-outbox';
import { type LineageOutbox, newOutboxItem } from '#commons/lineage/outbox';
import { buildSyncRunEvent, type SyncTransition } from '#commons/lineage/run-events';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { lineageOutboxRepository } from '#commons/store/repositories/lineage-outbox';
import { retention } from '#commons/store/table/retention';
import { createTableInput } from '#commons/store/table/table-definition';
import { waitForActiveTable } from '#commons/store/table/table-ready';
import { DESTINATIONS, postgresContext } from '../lineage/lineage-fixtures.ts';

const T0 = Date.parse('2026-05-01T10:10:00.000Z');
const LEASE = 60_000;

function item(syncId: string, kind: 'start' | 'end', nowMs: number) {
  const transition: SyncTransition =
    kind === 'start'
      ? { kind, sync_id: syncId, at: new Date(nowMs - 1_000).toISOString() }
      : {
          kind,
          sync_id: syncId,
          at: new Date(nowMs).toISOString(),
          status: 'SUCCESSFUL',
          reason: null,
          task_type: null,
        };
  return newOutboxItem(buildSyncRunEvent(postgresContext(DESTINATIONS.snowflake ?? null), transition), nowMs);
}

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(() => dynamo.close());

let tables = 0;
async function dynamoOutbox(): Promise<LineageOutbox> {
  // A fresh table per case: the outbox's partitions are account-wide.
  const tableName = `outbox_${++tables}`;
  await dynamo.client.send(new CreateTableCommand(createTableInput(tableName)));
  await waitForActiveTable(dynamo.client, tableName);
  return lineageOutboxRepository({ client: dynamo.documentClient, tableName }, { retention: retention(90) });
}

describe.each([
  ['in memory', async () => new MemoryLineageOutbox() as LineageOutbox],
  ['on the table (dynalite)', dynamoOutbox],
])('the lineage outbox %s', (_name, open) => {
  it('stores an event once: a redelivered webhook enqueues nothing new', async () => {
    // Prepare
    const outbox = await open();
    const start = item('s1', 'start', T0);

    // Act
    const first = await outbox.enqueue(start);
    const again = await outbox.enqueue(item('s1', 'start', T0 + 5_000));
    const claims = await outbox.claimDue(T0 + 10_000, 10, LEASE);

    // Assess
    expect([first, again]).toEqual([true, false]);
    expect(claims.map((c) => c.item.id)).toEqual([start.id]);
    expect(claims[0]?.item.created_at).toBe(new Date(T0).toISOString());
  });

  it('claims due items oldest first, hides them for the lease, and settles only under the current lease', async () => {
    // Prepare
    const outbox = await open();
    const later = item('s2', 'start', T0 + 1_000);
    const earlier = item('s1', 'start', T0);
    const future = item('s3', 'start', T0 + 120_000);
    for (const entry of [later, earlier, future]) await outbox.enqueue(entry);

    // Act
    const claimed = await outbox.claimDue(T0 + 2_000, 10, LEASE);
    const hidden = await outbox.claimDue(T0 + 3_000, 10, LEASE);
    // Both leases end together: a tie is broken by id, whichever implementation answers.
    const reclaimed = await outbox.claimDue(T0 + 2_000 + LEASE, 10, LEASE);
    const again = reclaimed.find((c) => c.item.id === earlier.id);
    const staleSettle = await outbox.markDelivered(claimed[0] as never, T0 + 70_000);
    const currentSettle = await outbox.markDelivered(again as never, T0 + 70_000);
    const afterDelivery = await outbox.claimDue(T0 + 10 * LEASE, 10, LEASE);

    // Assess
    expect(claimed.map((c) => c.item.id)).toEqual([earlier.id, later.id]);
    expect(hidden).toEqual([]);
    expect(reclaimed.map((c) => c.item.id)).toEqual([earlier.id, later.id].sort());
    expect([staleSettle, currentSettle]).toEqual([false, true]);
    expect(afterDelivery.map((c) => c.item.id).sort()).toEqual([later.id, future.id].sort());
    expect(claimed.every((c) => c.token !== again?.token)).toBe(true);
  });

  it('counts failed attempts, not deferrals, and keeps a given-up event as the oldest undelivered', async () => {
    // Prepare
    const outbox = await open();
    const start = item('s1', 'start', T0);
    const end = item('s1', 'end', T0 + 1_000);
    await outbox.enqueue(start);
    await outbox.enqueue(end);

    // Act
    const [a, b] = await outbox.claimDue(T0 + 2_000, 10, LEASE);
    await outbox.markRetry(a as never, T0 + 5_000, { error: 'HTTP 503', status: 503 });
    await outbox.markRetry(b as never, T0 + 5_000, null);
    const retried = await outbox.claimDue(T0 + 5_000, 10, LEASE);
    const byId = new Map(retried.map((c) => [c.item.id, c]));
    await outbox.markDelivered(byId.get(end.id) as never, T0 + 6_000);
    await outbox.markDead(byId.get(start.id) as never, T0 + 6_000, { error: 'HTTP 400: bad', status: 400 });
    const oldest = await outbox.oldestUndelivered();
    const nothingDue = await outbox.claimDue(T0 + 100 * LEASE, 10, LEASE);

    // Assess
    expect(byId.get(start.id)?.item.attempts).toBe(1);
    expect(byId.get(start.id)?.item.last_status).toBe(503);
    expect(byId.get(end.id)?.item.attempts).toBe(0);
    expect(oldest).toBe(start.created_at);
    expect(nothingDue).toEqual([]);
  });

  it('has no oldest undelivered once everything was delivered', async () => {
    // Prepare
    const outbox = await open();
    await outbox.enqueue(item('s1', 'start', T0));
    const before = await outbox.oldestUndelivered();

    // Act
    const [claim] = await outbox.claimDue(T0, 5, LEASE);
    await outbox.markDelivered(claim as never, T0 + 1);

    // Assess
    expect(before).toBe(new Date(T0).toISOString());
    expect(await outbox.oldestUndelivered()).toBeNull();
  });
});
