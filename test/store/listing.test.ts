import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, unknownConnection } from '#commons/connection/connection';
import type { ConnectionFilters, ConnectionRepository } from '#commons/store/repositories/connections';
import { CursorError } from '#commons/store/table/cursor';
import { type StoreFixture, startStoreFixture } from '../support/store-fixture.ts';

/** 250 connections: group g0..g2 by i % 3, service by i % 2, every 5th paused, every 7th failing, every 11th deleted. */
function seeded(i: number): Connection {
  const id = `conn_${String(i).padStart(3, '0')}`;
  const base = unknownConnection(id, '2026-06-01T00:00:00.000Z');
  return {
    ...base,
    group_id: `g${i % 3}`,
    service: i % 2 === 0 ? 'postgres' : 'salesforce',
    schema: id,
    paused: i % 5 === 0,
    last_completed_sync: {
      sync_id: null,
      status: i % 7 === 0 ? 'FAILURE' : 'SUCCESSFUL',
      started_at: null,
      ended_at: '2026-06-01T00:00:00.000Z',
      reason: null,
      source: 'api',
    },
    deleted_at: i % 11 === 0 ? '2026-06-01T01:00:00.000Z' : null,
  };
}

async function listAll(connections: ConnectionRepository, filters: ConnectionFilters, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await connections.list(filters, { limit, cursor });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null && pages < 100);
  return { ids, pages };
}

describe('Store: connection listings', () => {
  let fx: StoreFixture;
  const all = Array.from({ length: 250 }, (_, i) => seeded(i));
  const expected = (keep: (c: Connection, i: number) => boolean) =>
    all.filter((c, i) => keep(c, i)).map((c) => c.id);

  beforeAll(async () => {
    fx = await startStoreFixture();
    for (const connection of all) await fx.writer.save(connection.id, () => connection);
  });
  afterAll(async () => {
    await fx.close();
  });

  it('pages through every live connection in id order, each exactly once', async () => {
    // Act
    const { ids, pages } = await listAll(fx.repositories.connections, { deleted: 'false' }, 100);

    // Assess
    expect(ids).toEqual(expected((c) => c.deleted_at === null));
    expect(pages).toBe(3);
  });

  it.each([
    [
      'health',
      { health: 'paused', deleted: 'false' },
      (_c: Connection, i: number) => i % 5 === 0 && i % 11 !== 0,
    ],
    [
      'health failing',
      { health: 'failing', deleted: 'false' },
      (_c: Connection, i: number) => i % 7 === 0 && i % 5 !== 0 && i % 11 !== 0,
    ],
    [
      'group',
      { group_id: 'g1', deleted: 'false' },
      (_c: Connection, i: number) => i % 3 === 1 && i % 11 !== 0,
    ],
    [
      'service',
      { service: 'salesforce', deleted: 'false' },
      (_c: Connection, i: number) => i % 2 === 1 && i % 11 !== 0,
    ],
    [
      'health and group and service',
      { health: 'healthy', group_id: 'g2', service: 'postgres', deleted: 'false' },
      (_c: Connection, i: number) => i % 3 === 2 && i % 2 === 0 && i % 5 !== 0 && i % 7 !== 0 && i % 11 !== 0,
    ],
    ['deleted only', { deleted: 'true' }, (_c: Connection, i: number) => i % 11 === 0],
    ['deleted any', { deleted: 'any' }, () => true],
  ] as const)('filters by %s, across small pages', async (_name, filters, keep) => {
    // Act
    const { ids } = await listAll(fx.repositories.connections, filters as ConnectionFilters, 7);

    // Assess
    expect(ids).toEqual(expected(keep));
    expect(ids.length).toBeGreaterThan(0);
  });

  it('refuses a cursor reused with other filters', async () => {
    // Prepare
    const first = await fx.repositories.connections.list(
      { group_id: 'g1', deleted: 'false' },
      { limit: 5, cursor: null },
    );

    // Act
    const reuse = fx.repositories.connections.list(
      { group_id: 'g2', deleted: 'false' },
      { limit: 5, cursor: first.nextCursor },
    );
    const sameFilters = fx.repositories.connections.list(
      { group_id: 'g1', deleted: 'false' },
      { limit: 5, cursor: first.nextCursor },
    );

    // Assess
    await expect(reuse).rejects.toThrow(CursorError);
    await expect(sameFilters).resolves.toMatchObject({ items: expect.any(Array) });
  });

  it.each([
    ['junk', 'not a cursor!'],
    ['base64 of junk', Buffer.from('{"v":2}').toString('base64url')],
    [
      'a key outside the partition',
      Buffer.from(JSON.stringify({ v: 1, s: 'x', k: { pk: 'EVENT#1', sk: 'EVENT' } })).toString('base64url'),
    ],
  ])('refuses a malformed cursor (%s)', async (_name, cursor) => {
    // Act
    const listing = fx.repositories.connections.list({ deleted: 'false' }, { limit: 5, cursor });

    // Assess
    await expect(listing).rejects.toThrow(CursorError);
  });
});
