import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '#commons/webhook/signature';
import { creationProbe } from '../fixtures/webhook-payloads.ts';
import {
  connection,
  listAll,
  putGroup,
  putSweep,
  type ReadFixture,
  SECRET,
  saveConnections,
  startReadFixture,
  sweepRecord,
} from '../support/http-fixture.ts';

describe('GET /api/groups over HTTP', () => {
  let fx: ReadFixture;

  beforeAll(async () => {
    fx = await startReadFixture();
    await putGroup(fx.repositories.groups, {
      id: 'warehouse',
      name: 'Warehouse',
      destination: {
        id: 'warehouse',
        service: 'snowflake',
        region: 'AWS_US_EAST_1',
        setup_status: 'CONNECTED',
        time_zone_offset: '-5',
      },
    });
    await putGroup(fx.repositories.groups, { id: 'lake', name: 'Lake', destination: null });
    for (let i = 0; i < 5; i++) await putGroup(fx.repositories.groups, { id: `z_${i}` });
    // Another kind of item in the same table must never show up as a group.
    await saveConnections(fx.writer, [connection('c1', { group: 'warehouse' })]);
  });
  afterAll(async () => {
    await fx.close();
  });

  it('lists groups in id order with their destination service, region and setup status', async () => {
    // Act
    const answer = await fx.get('/api/groups');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((g: { id: string }) => g.id)).toEqual([
      'lake',
      'warehouse',
      'z_0',
      'z_1',
      'z_2',
      'z_3',
      'z_4',
    ]);
    expect(answer.body.items[1]).toEqual({
      id: 'warehouse',
      name: 'Warehouse',
      created_at: '2025-01-01T00:00:00.000Z',
      destination: {
        id: 'warehouse',
        service: 'snowflake',
        region: 'AWS_US_EAST_1',
        setup_status: 'CONNECTED',
        time_zone_offset: '-5',
      },
      updated_at: '2026-06-01T00:00:00.000Z',
    });
    expect(answer.body.items[0].destination).toBeNull();
  });

  it('pages groups and refuses a cursor from another listing', async () => {
    // Act
    const paged = await listAll(fx, '/api/groups', 3);
    const connections = await fx.get('/api/connections?limit=1');
    const foreign = await fx.get(
      `/api/groups?cursor=${encodeURIComponent(String(connections.body.next_cursor ?? 'x'))}`,
    );

    // Assess
    expect(paged).toMatchObject({ pages: 3 });
    expect(paged.items).toHaveLength(7);
    expect(foreign.status).toBe(400);
  });
});

describe('GET /api/sweeps over HTTP', () => {
  let fx: ReadFixture;
  const now = Date.parse('2026-06-02T12:00:00.000Z');

  beforeAll(async () => {
    fx = await startReadFixture({ now: () => now });
    await putSweep(fx.repositories.sweeps, sweepRecord('s1', '2026-06-02T09:00:00.000Z'));
    await putSweep(
      fx.repositories.sweeps,
      sweepRecord('s3', '2026-06-02T11:00:00.000Z', { outcome: 'partial', webhook_active: false }),
    );
    await putSweep(
      fx.repositories.sweeps,
      sweepRecord('s2', '2026-06-02T10:00:00.000Z', { outcome: 'running', finished_at: null }),
    );
  });
  afterAll(async () => {
    await fx.close();
  });

  it('lists sweep records newest first; a running one without the lease shows as failed', async () => {
    // Act
    const answer = await fx.get('/api/sweeps');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((s: { id: string; outcome: string }) => [s.id, s.outcome])).toEqual([
      ['s3', 'partial'],
      ['s2', 'failed'],
      ['s1', 'succeeded'],
    ]);
    expect(answer.body.items[1].error).toMatch(/lease expired/);
    expect(answer.body.items[2]).toEqual(sweepRecord('s1', '2026-06-02T09:00:00.000Z'));
  });

  it('shows a running sweep that holds the lease as running', async () => {
    // Prepare
    await fx.repositories.sweepLease.acquire({ sweepId: 's4', nowMs: now, durationMs: 600_000 });
    await putSweep(
      fx.repositories.sweeps,
      sweepRecord('s4', '2026-06-02T11:59:00.000Z', { outcome: 'running', finished_at: null }),
    );

    // Act
    const answer = await fx.get('/api/sweeps?limit=1');

    // Assess
    expect(answer.body.items).toEqual([
      expect.objectContaining({ id: 's4', outcome: 'running', error: null }),
    ]);
    expect(answer.body.next_cursor).toEqual(expect.any(String));
  });
});

describe('GET /api/summary over HTTP', () => {
  let fx: ReadFixture;

  beforeAll(async () => {
    fx = await startReadFixture({ mode: 'live' });
  });
  afterAll(async () => {
    await fx.close();
  });

  it('answers for an empty account', async () => {
    // Act
    const answer = await fx.get('/api/summary');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      by_health: { failing: 0, delayed: 0, paused: 0, healthy: 0 },
      connections_total: 0,
      connections_deleted: 0,
      last_webhook_at: null,
      last_sweep: null,
      events_quarantined: 0,
      webhook_active: null,
      registered_webhook: null,
      recent_health_changes: [],
      mode: 'live',
    });
  });

  it('counts by health (deleted apart), and shows the last webhook, sweep, quarantine, webhook state and changes', async () => {
    // Prepare
    const healths = ['failing', 'failing', 'delayed', 'paused', 'healthy', 'healthy', 'healthy'] as const;
    await saveConnections(fx.writer, [
      ...healths.map((health, i) => connection(`c${i}`, { health })),
      connection('gone', { health: 'failing', deleted: true }),
    ]);
    await fx.deliver({
      event: 'sync_end',
      created: '2026-06-01T08:00:00.000Z',
      connector_type: 'postgres',
      connector_id: 'c4',
      connector_name: 'c4_schema',
      sync_id: 'x1',
      destination_group_id: 'group_a',
      data: { status: 'FAILURE', reason: 'password expired' },
    });
    const bad = '{"not":"an event"}';
    await fetch(`${fx.url}/webhooks/fivetran`, {
      method: 'POST',
      body: bad,
      headers: { 'X-Fivetran-Signature-256': signBody(bad, SECRET) },
    });
    await fetch(`${fx.url}/webhooks/fivetran`, { method: 'POST', body: creationProbe });
    await putSweep(fx.repositories.sweeps, sweepRecord('old', '2026-06-01T01:00:00.000Z'));
    await putSweep(
      fx.repositories.sweeps,
      sweepRecord('new', '2026-06-01T02:00:00.000Z', { webhook_active: false }),
    );
    await fx.repositories.webhookRegistration.save({
      webhook_id: 'wh_1',
      url: 'https://example.com/webhooks/fivetran',
      registered_at: '2026-05-01T00:00:00.000Z',
    });
    await fx.repositories.webhookRegistration.recordActive('wh_1', false, '2026-06-01T02:00:30.000Z');

    // Act
    const answer = await fx.get('/api/summary');

    // Assess
    expect(answer.body).toMatchObject({
      by_health: { failing: 3, delayed: 1, paused: 1, healthy: 2 },
      connections_total: 7,
      connections_deleted: 1,
      last_webhook_at: expect.any(String),
      last_sweep: { id: 'new', outcome: 'succeeded' },
      events_quarantined: 1,
      probes_answered: 1,
      webhook_active: false,
      registered_webhook: { webhook_id: 'wh_1', url: 'https://example.com/webhooks/fivetran', active: false },
      recent_health_changes: [
        {
          connection_id: 'c4',
          schema: 'c4_schema',
          from: 'healthy',
          to: 'failing',
          reason: 'password expired',
        },
      ],
      mode: 'live',
    });
  });
});

describe('GET /api/summary keeps its health counts a few seconds', () => {
  let fx: ReadFixture;
  let nowMs = Date.parse('2026-06-01T12:00:00.000Z');

  beforeAll(async () => {
    fx = await startReadFixture({ now: () => nowMs, appOptions: { countsMaxAgeMs: 5_000 } });
  });
  afterAll(async () => {
    await fx.close();
  });

  it('reuses the counts within 5 s, says when they were taken, and counts again after', async () => {
    // Prepare
    await saveConnections(fx.writer, [connection('a', { health: 'failing' })]);
    const first = await fx.get('/api/summary');
    await saveConnections(fx.writer, [connection('b', { health: 'failing' })]);

    // Act
    nowMs += 4_000;
    const cached = await fx.get('/api/summary');
    nowMs += 1_000;
    const fresh = await fx.get('/api/summary');

    // Assess
    expect(first.body).toMatchObject({ by_health: { failing: 1 }, counted_at: '2026-06-01T12:00:00.000Z' });
    expect(cached.body).toMatchObject({ by_health: { failing: 1 }, counted_at: '2026-06-01T12:00:00.000Z' });
    expect(fresh.body).toMatchObject({ by_health: { failing: 2 }, counted_at: '2026-06-01T12:00:05.000Z' });
  });
});
