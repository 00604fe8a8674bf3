import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbtRunFailed } from '../fixtures/webhook-payloads.ts';
import { listAll, type ReadFixture, startReadFixture } from '../support/http-fixture.ts';

const at = (n: number) => new Date(Date.parse('2026-06-01T10:00:00.000Z') + n * 1000).toISOString();

describe('GET /api/events over HTTP', () => {
  let fx: ReadFixture;

  beforeAll(async () => {
    fx = await startReadFixture();
    const connector = (id: string, group: string) => ({
      connector_type: 'postgres',
      connector_id: id,
      connector_name: id,
      destination_group_id: group,
    });
    await fx.deliver({ ...connector('a', 'g1'), event: 'sync_start', created: at(1), sync_id: 's1' });
    await fx.deliver({
      ...connector('a', 'g1'),
      event: 'sync_end',
      created: at(5),
      sync_id: 's1',
      data: { status: 'SUCCESSFUL' },
    });
    await fx.deliver({
      ...connector('b', 'g2'),
      event: 'sync_end',
      created: at(3),
      sync_id: 's2',
      data: { status: 'FAILURE' },
    });
    // Arrives last but happened first: the list is by Fivetran's `created`, not by arrival.
    await fx.deliver({ ...connector('b', 'g2'), event: 'create_connector', created: at(0) });
    await fx.deliver(JSON.parse(dbtRunFailed));
  });
  afterAll(async () => {
    await fx.close();
  });

  it('lists every stored event newest first by Fivetran’s time, account-level events included', async () => {
    // Act
    const answer = await fx.get('/api/events');

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((e: { event: string }) => e.event)).toEqual([
      'sync_end',
      'sync_end',
      'sync_start',
      'create_connector',
      'dbt_run_failed',
    ]);
    expect(answer.body.items[4]).toMatchObject({
      event: 'dbt_run_failed',
      connection_id: null,
      group_id: 'deck_enjoy',
    });
  });

  it('filters by event and by group, and pages', async () => {
    // Act
    const syncEnds = await fx.get('/api/events?event=sync_end');
    const group = await fx.get('/api/events?group_id=g2');
    const dbt = await fx.get('/api/events?event=dbt_run_failed&group_id=deck_enjoy');
    const paged = await listAll(fx, '/api/events', 2);

    // Assess
    expect(syncEnds.body.items.map((e: { connection_id: string }) => e.connection_id)).toEqual(['a', 'b']);
    expect(group.body.items.map((e: { event: string }) => e.event)).toEqual(['sync_end', 'create_connector']);
    expect(dbt.body.items).toHaveLength(1);
    expect(paged).toMatchObject({ pages: 3 });
    expect(paged.items.map((e) => e.id)).toEqual(
      (await fx.get('/api/events')).body.items.map((e: { id: string }) => e.id),
    );
  });

  it('answers 400 for an empty filter value and an unknown parameter', async () => {
    // Act
    const empty = await fx.get('/api/events?event=');
    const unknown = await fx.get('/api/events?connection_id=a');

    // Assess
    expect(empty.status).toBe(400);
    expect(unknown).toMatchObject({
      status: 400,
      body: {
        message: expect.stringMatching(
          /unknown parameter "connection_id"; allowed: event, group_id, limit, cursor/,
        ),
      },
    });
  });
});
