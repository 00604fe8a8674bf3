import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DUMMY_CONNECTION_ID } from '#commons/webhook/parse-event';
import { events, record } from '../support/store-fixture.ts';
import { type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

const stored = async (fx: SweepFixture, id: string) =>
  (await fx.repositories.connections.readAll()).get(id)?.value;
const detailRequests = (fx: SweepFixture) =>
  fx.sim.requestLog.filter((r) => r.endpoint === 'GET /v1/connections/{id}').map((r) => r.url.split('?')[0]);

describe('deletion is confirmed one connection at a time', () => {
  let fx: SweepFixture;
  let ids: string[];

  beforeEach(async () => {
    fx = await startSweepFixture({ seed: 9, groups: 3, connections: 20 });
    ids = [...fx.sim.account.connections.keys()];
    await fx.sweep({ schemaRequestBudget: 0 });
  });
  afterEach(() => fx.close());

  it('marks a removed connection deleted only after its own GET answers 404', async () => {
    // Prepare
    const gone = ids[0] as string;
    fx.sim.removeConnection(gone);

    // Act
    const sweep = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(detailRequests(fx)).toEqual([`/v1/connections/${gone}`]);
    expect(fx.sim.requestLog.find((r) => r.url.startsWith(`/v1/connections/${gone}`))?.status).toBe(404);
    expect(sweep.connections_deleted).toBe(1);
    const deletedAt = Date.parse((await stored(fx, gone))?.deleted_at ?? '');
    expect(deletedAt).toBeGreaterThanOrEqual(Date.parse(sweep.started_at));
    expect(deletedAt).toBeLessThanOrEqual(Date.parse(sweep.finished_at ?? ''));
    expect((await stored(fx, ids[1] as string))?.deleted_at).toBeNull();
  });

  it('keeps a connection the listing missed but its GET still answers 200', async () => {
    // Prepare: the listing skips one connection (e.g. it moved between pages while being listed).
    const hidden = ids[2] as string;
    const list = fx.sim.listConnections.bind(fx.sim);
    fx.sim.listConnections = (group, schema) => list(group, schema).filter((c) => c.id !== hidden);

    // Act
    const sweep = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(detailRequests(fx)).toEqual([`/v1/connections/${hidden}`]);
    expect(sweep.connections_deleted).toBe(0);
    expect((await stored(fx, hidden))?.deleted_at).toBeNull();
  });

  it('keeps connections a scoped key cannot see (403 is not a 404)', async () => {
    // Prepare: the key now sees only one group.
    const [visible] = [...fx.sim.account.groups.keys()];
    fx.sim.knobs.visibleGroupIds = [visible as string];
    const hiddenCount = ids.filter((id) => fx.sim.account.connections.get(id)?.group_id !== visible).length;

    // Act
    const sweep = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(hiddenCount).toBeGreaterThan(0);
    expect(detailRequests(fx)).toHaveLength(hiddenCount);
    expect(sweep.requests.by_status['403']).toBe(hiddenCount);
    expect(sweep.connections_deleted).toBe(0);
    const all = await fx.repositories.connections.readAll();
    expect([...all.values()].filter((c) => c.value?.deleted_at !== null)).toEqual([]);
  });

  it('restores a deleted connection that a newer listing shows again', async () => {
    // Prepare
    const id = ids[3] as string;
    const api = fx.sim.account.connections.get(id);
    fx.sim.removeConnection(id);
    await fx.sweep({ schemaRequestBudget: 0 });
    const deleted = await stored(fx, id);
    fx.sim.account.connections.set(id, api as NonNullable<typeof api>);

    // Act
    const sweep = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(deleted?.deleted_at).not.toBeNull();
    expect((await stored(fx, id))?.deleted_at).toBeNull();
    expect(sweep.connections_written).toBe(1);
  });

  it('never asks about connections it knows only from webhooks for the dummy id, nor deletes them', async () => {
    // Prepare: a webhook-only connection unknown to the API, and the dummy id's probe event.
    await record(fx.recorder, events('webhook_only').syncEnd('s1', '2026-06-01T10:00:00.000Z', 'SUCCESSFUL'));
    await record(
      fx.recorder,
      events(DUMMY_CONNECTION_ID).syncEnd('s2', '2026-06-01T10:00:00.000Z', 'SUCCESSFUL'),
    );

    // Act
    const sweep = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(detailRequests(fx)).toEqual(['/v1/connections/webhook_only']);
    expect(sweep.connections_deleted).toBe(1);
    expect((await stored(fx, 'webhook_only'))?.deleted_at).not.toBeNull();
    expect(await stored(fx, DUMMY_CONNECTION_ID)).toBeUndefined();
  });

  it('deletes nothing when the listing fails', async () => {
    // Prepare
    fx.sim.removeConnection(ids[4] as string);
    fx.sim.faults.add({ kind: 'status', status: 500, endpoint: 'GET /v1/connections' });

    // Act
    const sweep = await fx.sweep({ schemaRequestBudget: 0 });

    // Assess
    expect(sweep.outcome).toBe('failed');
    expect(detailRequests(fx)).toEqual([]);
    expect((await stored(fx, ids[4] as string))?.deleted_at).toBeNull();
  });
});
