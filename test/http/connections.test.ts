import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '#commons/connection/connection';
import { HEALTH_VALUES } from '#commons/connection/health';
import {
  connection,
  listAll,
  type ReadFixture,
  saveConnections,
  startReadFixture,
} from '../support/http-fixture.ts';

/** 48 connections: health by i % 5, group g0..g2 by i % 3, service by i % 2, every 7th deleted. */
const ALL: Connection[] = Array.from({ length: 48 }, (_, i) =>
  connection(`conn_${String(i).padStart(2, '0')}`, {
    health: HEALTH_VALUES[i % 5],
    group: `g${i % 3}`,
    service: i % 2 === 0 ? 'postgres' : 'salesforce',
    deleted: i % 7 === 0,
  }),
);
const ids = (keep: (c: Connection, i: number) => boolean) => ALL.filter(keep).map((c) => c.id);
const live = (c: Connection) => c.deleted_at === null;

describe('GET /api/connections over HTTP', () => {
  let fx: ReadFixture;

  beforeAll(async () => {
    fx = await startReadFixture();
    await saveConnections(fx.writer, ALL);
  });
  afterAll(async () => {
    await fx.close();
  });

  it('lists live connections in id order, in the contract shape', async () => {
    // Act
    const answer = await fx.get('/api/connections');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.next_cursor).toBeNull();
    expect(answer.body.items.map((c: Connection) => c.id)).toEqual(ids(live));
    expect(Object.keys(answer.body.items[0])).toEqual([
      'id',
      'group_id',
      'service',
      'schema',
      'paused',
      'status',
      'sync_frequency',
      'schedule_type',
      'daily_sync_time',
      'data_delay_sensitivity',
      'data_delay_threshold',
      'connected_by',
      'service_version',
      'setup_tests',
      'pause_after_trial',
      'succeeded_at',
      'failed_at',
      'created_at',
      'deleted_at',
      'last_sync',
      'last_completed_sync',
      'health',
      'health_reason',
      'freshness',
      'updated_at',
      'schema_version',
    ]);
  });

  it.each(HEALTH_VALUES)('filters by health=%s, and accepts status as its other name', async (health) => {
    // Act
    const byHealth = await fx.get(`/api/connections?health=${health}`);
    const byStatus = await fx.get(`/api/connections?status=${health}`);

    // Assess
    const expected = ids((c, i) => live(c) && HEALTH_VALUES[i % 5] === health);
    expect(byHealth.body.items.map((c: Connection) => c.id)).toEqual(expected);
    expect(byHealth.body.items.every((c: Connection) => c.health === health)).toBe(true);
    expect(byStatus.body).toEqual(byHealth.body);
  });

  it('filters by group, by service, by deleted, and combines filters', async () => {
    // Act
    const group = await fx.get('/api/connections?group_id=g1');
    const service = await fx.get('/api/connections?service=salesforce');
    const deleted = await fx.get('/api/connections?deleted=true');
    const any = await fx.get('/api/connections?deleted=any&limit=1000');
    const combined = await fx.get('/api/connections?health=failing&group_id=g0&service=postgres');

    // Assess
    expect(group.body.items.map((c: Connection) => c.id)).toEqual(ids((c, i) => live(c) && i % 3 === 1));
    expect(service.body.items.map((c: Connection) => c.id)).toEqual(ids((c, i) => live(c) && i % 2 === 1));
    expect(deleted.body.items.map((c: Connection) => c.id)).toEqual(ids((c) => !live(c)));
    expect(any.body.items).toHaveLength(ALL.length);
    expect(combined.body.items.map((c: Connection) => c.id)).toEqual(
      ids((c, i) => live(c) && i % 5 === 0 && i % 3 === 0 && i % 2 === 0),
    );
    expect(combined.body.items.length).toBeGreaterThan(0);
  });

  it('pages with filter-bound cursors: every item once, same order as one big page', async () => {
    // Act
    const paged = await listAll(fx, '/api/connections?group_id=g2', 4);
    const whole = await fx.get('/api/connections?group_id=g2&limit=1000');

    // Assess
    expect(paged.items.map((c) => c.id)).toEqual(whole.body.items.map((c: Connection) => c.id));
    expect(paged.pages).toBe(Math.ceil(whole.body.items.length / 4));
  });

  it('answers 400 with the allowed values for a bad filter, and for an unknown parameter', async () => {
    // Act
    const badHealth = await fx.get('/api/connections?health=broken');
    const badDeleted = await fx.get('/api/connections?deleted=maybe');
    const conflicting = await fx.get('/api/connections?health=failing&status=paused');
    const unknown = await fx.get('/api/connections?helth=failing');
    const badLimit = await fx.get('/api/connections?limit=1001');

    // Assess
    expect(badHealth).toMatchObject({ status: 400 });
    expect(badHealth.body.message).toMatch(
      /health: must be one of failing, pending, delayed, paused, healthy/,
    );
    expect(badDeleted.body.message).toMatch(/deleted: must be one of false, true, any/);
    expect(conflicting).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/same filter/) },
    });
    expect(unknown).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/unknown parameter "helth"; allowed: health, status/) },
    });
    expect(badLimit).toMatchObject({ status: 400, body: { message: expect.stringMatching(/limit/) } });
  });

  it('answers 400 for a malformed cursor and for a cursor reused with other filters', async () => {
    // Prepare
    const first = await fx.get('/api/connections?health=healthy&limit=2');

    // Act
    const malformed = await fx.get('/api/connections?cursor=not-a-cursor');
    const foreign = await fx.get(`/api/connections?health=failing&limit=2&cursor=${first.body.next_cursor}`);
    const otherListing = await fx.get(`/api/events?cursor=${first.body.next_cursor}`);

    // Assess
    expect(first.body.next_cursor).toEqual(expect.any(String));
    expect(malformed).toMatchObject({ status: 400, body: { message: 'cursor is malformed' } });
    expect(foreign).toMatchObject({ status: 400, body: { message: expect.stringMatching(/other filters/) } });
    expect(otherListing.status).toBe(400);
  });
});
