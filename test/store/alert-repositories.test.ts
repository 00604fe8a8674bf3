import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertChangeRecorder, type RecordedHealthChange } from '#commons/store/repositories/alert-inbox';
import { alertInboxRepository } from '#commons/store/repositories/alert-inbox-reader';
import { alertOutboxRepository, type NewAlertOutboxRecord } from '#commons/store/repositories/alert-outbox';
import { alertStateRepository } from '#commons/store/repositories/alert-states';
import { alertChangeKey, alertOutboxKey } from '#commons/store/table/keys';
import type { TableRef } from '#commons/store/table/table-ref';
import { startFreshTables } from './support/fresh-tables.ts';

let tables: Awaited<ReturnType<typeof startFreshTables>>;
beforeAll(async () => {
  tables = await startFreshTables();
});
afterAll(() => tables?.close());

const T0 = new Date('2026-04-01T08:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1_000);

function change(overrides: Partial<RecordedHealthChange> = {}): RecordedHealthChange {
  return {
    connection_id: 'amber_finch',
    group_id: 'north_pier',
    service: 'mysql',
    schema: 'billing',
    previous: 'healthy',
    health: 'failing',
    health_reason: { code: 'sync_failed', message: 'Access denied', since: T0.toISOString() },
    changed_at: T0.toISOString(),
    ...overrides,
  };
}

function outboxItem(id: string, overrides: Partial<NewAlertOutboxRecord> = {}): NewAlertOutboxRecord {
  return {
    id,
    intent_key: id,
    channel: 'slack',
    lane: `slack|${id}`,
    seq: '000000000000001:0',
    message: { kind: 'test', at: T0.toISOString() },
    due_at: T0.toISOString(),
    ...overrides,
  };
}

async function raw(table: TableRef, key: { pk: string; sk: string }) {
  const { Item } = await table.client.send(new GetCommand({ TableName: table.tableName, Key: key }));
  return Item;
}

describe('alert inbox (the health changes kept for the alert pass)', () => {
  it('keeps a change once and lists changes oldest first, whatever order they were kept in', async () => {
    // Prepare
    const table = await tables.table();
    const recorder = alertChangeRecorder(table);
    const inbox = alertInboxRepository(table);
    const newer = change({ previous: 'failing', health: 'healthy', changed_at: at(60).toISOString() });

    // Act
    const first = await recorder.record(newer, T0.getTime());
    const older = await recorder.record(change(), T0.getTime());
    const again = await recorder.record({ ...newer, changed_at: '2026-04-01T08:01:00Z' }, T0.getTime());
    const listed = await inbox.oldest(10);

    // Assess: the same instant written differently is the same change.
    expect([first, older, again]).toEqual([true, true, false]);
    expect(listed.map((e) => e.change?.health)).toEqual(['failing', 'healthy']);
    expect(listed[0]?.change).toEqual(change());
  });

  it('removes a planned change, reports an unreadable one as such, and takes a hostile id', async () => {
    // Prepare
    const table = await tables.table();
    const recorder = alertChangeRecorder(table);
    const inbox = alertInboxRepository(table);
    const longId = 'x'.repeat(3_000);
    await recorder.record(change({ connection_id: longId }), T0.getTime());
    await recorder.record(change({ changed_at: at(5).toISOString() }), T0.getTime());
    const [hostile, normal] = await inbox.oldest(10);
    await table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...alertChangeKey('odd'),
          key: 'odd',
          change: { connection_id: 7 },
          recorded_at: T0.toISOString(),
          gsi1pk: 'ALERTS#INBOX',
          gsi1sk: `${at(10).toISOString()}#odd`,
        },
      }),
    );

    // Act
    await inbox.remove(normal?.key ?? '');
    const left = await inbox.oldest(10);

    // Assess
    expect(hostile?.change?.connection_id).toBe(longId);
    expect(left.map((e) => [e.key === hostile?.key, e.change === null])).toEqual([
      [true, false],
      [false, true],
    ]);
    const stored = await raw(table, alertChangeKey(hostile?.key ?? ''));
    expect(Buffer.byteLength(String(stored?.pk))).toBeLessThan(2_048);
    expect(stored?.expires_at).toBe(Math.floor(T0.getTime() / 1000) + 14 * 86_400);
  });
});

describe('alert outbox repository (beyond the port contract)', () => {
  it('keeps pending items in the due and lane listings only while pending, and expires finished ones', async () => {
    // Prepare
    const table = await tables.table();
    const outbox = alertOutboxRepository(table);
    await outbox.enqueue([outboxItem('sent'), outboxItem('dead'), outboxItem('kept')], T0);

    // Act
    const pending = await raw(table, alertOutboxKey('kept'));
    const claimed = await outbox.claimDue(T0, 10, 60_000);
    await outbox.markDelivered('sent', at(1));
    await outbox.markDead('dead', { attempts: 3, error: '500' }, at(1));
    const sent = await raw(table, alertOutboxKey('sent'));
    const dead = await raw(table, alertOutboxKey('dead'));

    // Assess
    expect(claimed.map((i) => i.id).sort()).toEqual(['dead', 'kept', 'sent']);
    expect(pending).toMatchObject({ gsi1pk: 'ALERTS#DUE', gsi2pk: 'ALERTS#LANE#slack|kept' });
    expect(pending?.expires_at).toBeUndefined();
    for (const item of [sent, dead]) {
      expect(item).not.toHaveProperty('gsi1pk');
      expect(item).not.toHaveProperty('gsi2pk');
      expect(item).not.toHaveProperty('lease_until');
      expect(item?.expires_at).toBe(Math.floor(at(1).getTime() / 1000) + 30 * 86_400);
    }
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, last_error: '500' });
    expect(sent).toMatchObject({ status: 'delivered', delivered_at: at(1).toISOString() });
  });

  it('two deliverers claiming at once never both get the same item', async () => {
    // Prepare
    const table = await tables.table();
    const outbox = alertOutboxRepository(table);
    await outbox.enqueue(
      Array.from({ length: 12 }, (_, i) => outboxItem(`m${i}`)),
      T0,
    );

    // Act
    const [a, b] = await Promise.all([outbox.claimDue(T0, 12, 60_000), outbox.claimDue(T0, 12, 60_000)]);

    // Assess
    const ids = [...(a ?? []), ...(b ?? [])].map((i) => i.id);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
  });

  it('works for ids longer than any key allows, and names the most overdue pending item', async () => {
    // Prepare
    const table = await tables.table();
    const outbox = alertOutboxRepository(table);
    const longId = `change:${'y'.repeat(2_500)}#slack`;
    await outbox.enqueue(
      [
        outboxItem(longId, { lane: `slack|${'y'.repeat(2_500)}`, due_at: at(-120).toISOString() }),
        outboxItem('later', { due_at: at(3_600).toISOString() }),
      ],
      T0,
    );

    // Act
    const oldest = await outbox.oldestPending();
    const [claimed] = await outbox.claimDue(T0, 10, 60_000);
    await outbox.markDelivered(longId, T0);
    const afterwards = await outbox.oldestPending();

    // Assess
    expect(oldest?.id).toBe(longId);
    expect(claimed?.id).toBe(longId);
    expect((await outbox.get(longId))?.status).toBe('delivered');
    expect(afterwards?.id).toBe('later');
  });
});

describe('alert state repository', () => {
  it('writes only over the version read', async () => {
    // Prepare
    const table = await tables.table();
    const states = alertStateRepository(table);

    // Act
    const created = await states.put('amber_finch', { recent: [] }, null);
    const createdAgain = await states.put('amber_finch', { recent: ['lost'] }, null);
    const read = await states.get('amber_finch');
    const updated = await states.put('amber_finch', { recent: ['one'] }, read.version);
    const stale = await states.put('amber_finch', { recent: ['stale'] }, read.version);
    const final = await states.get('amber_finch');

    // Assess
    expect([created, createdAgain, updated, stale]).toEqual([true, false, true, false]);
    expect(read).toEqual({ state: { recent: [] }, version: 1 });
    expect(final).toEqual({ state: { recent: ['one'] }, version: 2 });
    expect(await states.get('nobody')).toEqual({ state: null, version: null });
  });
});
