import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAll, type ReadFixture, startReadFixture } from '../support/http-fixture.ts';

const base = {
  connector_type: 'postgres',
  connector_id: 'pg_orders',
  connector_name: 'orders',
  destination_group_id: 'warehouse',
};
const minute = (n: number) => new Date(Date.parse('2026-06-01T10:00:00.000Z') + n * 60_000).toISOString();

describe('GET /api/connections/{id} and its events, over HTTP', () => {
  let fx: ReadFixture;

  beforeAll(async () => {
    fx = await startReadFixture();
    // 25 syncs: every 5th fails; each takes 2 minutes.
    for (let i = 0; i < 25; i++) {
      const sync_id = `sync_${String(i).padStart(2, '0')}`;
      await fx.deliver({ ...base, event: 'sync_start', created: minute(i * 10), sync_id });
      await fx.deliver({
        ...base,
        event: 'sync_end',
        created: minute(i * 10 + 2),
        sync_id,
        data: i % 5 === 4 ? { status: 'FAILURE', reason: 'disk full' } : { status: 'SUCCESSFUL' },
      });
    }
    await fx.deliver({ ...base, connector_id: 'other', event: 'pause_connector', created: minute(1) });
  });
  afterAll(async () => {
    await fx.close();
  });

  it('shows the connection with its last 20 sync runs, newest first, with durations', async () => {
    // Act
    const answer = await fx.get('/api/connections/pg_orders');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: 'pg_orders',
      group_id: 'warehouse',
      schema: 'orders',
      health: 'failing',
    });
    expect(answer.body.last_completed_sync).toMatchObject({
      status: 'FAILURE',
      reason: 'disk full',
      source: 'webhook',
    });
    expect(answer.body.syncs).toHaveLength(20);
    expect(answer.body.syncs.map((s: { sync_id: string }) => s.sync_id)).toEqual(
      Array.from({ length: 20 }, (_, i) => `sync_${String(24 - i).padStart(2, '0')}`),
    );
    expect(answer.body.syncs[0]).toEqual({
      sync_id: 'sync_24',
      status: 'FAILURE',
      started_at: minute(240),
      ended_at: minute(242),
      duration_s: 120,
      reason: 'disk full',
      task_type: null,
      source: 'webhook',
    });
  });

  it('answers 404 with a message for an unknown id, also on its events', async () => {
    // Act
    const missing = await fx.get('/api/connections/nope');
    const events = await fx.get('/api/connections/nope/events');

    // Assess
    expect(missing).toMatchObject({ status: 404, body: { message: 'no connection nope' } });
    expect(events).toMatchObject({ status: 404, body: { message: 'no connection nope' } });
  });

  it('decodes a percent-encoded id and refuses a malformed one', async () => {
    // Act
    const encoded = await fx.get('/api/connections/pg%5Forders');
    const malformed = await fx.get('/api/connections/%E0%A4%A');

    // Assess
    expect(encoded.body.id).toBe('pg_orders');
    expect(malformed).toMatchObject({ status: 400, body: { message: 'malformed path' } });
  });

  it('lists the connection’s own events newest first, paged, with the parsed payload', async () => {
    // Act
    const first = await fx.get('/api/connections/pg_orders/events?limit=3');
    const all = await listAll(fx, '/api/connections/pg_orders/events', 7);

    // Assess
    expect(first.body.items.map((e: { event: string; created: string }) => [e.event, e.created])).toEqual([
      ['sync_end', minute(242)],
      ['sync_start', minute(240)],
      ['sync_end', minute(232)],
    ]);
    expect(first.body.items[0]).toMatchObject({
      connection_id: 'pg_orders',
      group_id: 'warehouse',
      service: 'postgres',
      sync_id: 'sync_24',
      payload: { event: 'sync_end', data: { status: 'FAILURE', reason: 'disk full' } },
    });
    expect(all.items).toHaveLength(50);
    expect(new Set(all.items.map((e) => e.id)).size).toBe(50);
    expect(all.items.every((e) => e.connection_id === 'pg_orders')).toBe(true);
  });
});
