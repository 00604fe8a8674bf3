import { afterEach, describe, expect, it } from 'vitest';
import { syncStatsOf } from '#commons/connection/sync-stats';
import { HISTORY_WINDOW_MS } from '#commons/sweep/history-due';
import { HISTORY_RETRY_MS } from '#commons/sweep/sweep-history';
import { events, record } from '../support/store-fixture.ts';
import { manualClock, type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

const HISTORY_ENDPOINT = 'GET /v1/connections/{id}/sync-history';
const MINUTE = 60_000;

describe('sync-history backfill in the sweep', () => {
  let fx: SweepFixture;
  const clock = manualClock();
  afterEach(() => fx.close());

  const start = () => startSweepFixture({ seed: 5, groups: 1, connections: 8, now: clock.now });
  /** No cap of the sweep's own: half of what the hourly budget leaves, as the shells run it. */
  const sweep = () => fx.sweep({ historyRequestBudget: null, schemaRequestBudget: 0, now: clock.now });
  const historyRequests = () => fx.sim.requests.snapshot().by_endpoint[HISTORY_ENDPOINT]?.total ?? 0;
  /** The simulator's runs inside the window the sweep reads, per connection. */
  const simRuns = (id: string) =>
    (fx.sim.account.runs.get(id) ?? []).filter((run) => run.started_ms >= clock.now() - HISTORY_WINDOW_MS);
  const withRuns = () => [...fx.sim.account.connections.values()].filter((c) => simRuns(c.id).length > 0);

  it('backfills every run of the window on the first sweep, source history, and reads nothing next time', async () => {
    // Prepare
    fx = await start();
    const expected = withRuns().reduce((sum, c) => sum + simRuns(c.id).length, 0);
    expect(expected).toBeGreaterThan(0);

    // Act
    const first = await sweep();
    const requestsAfterFirst = historyRequests();
    const second = await sweep();

    // Assess
    expect(first.outcome).toBe('succeeded');
    expect(first.history).toMatchObject({ runs_written: expected, note: null, unavailable_since: null });
    // Connections that synced only before the window are read too (and found to have nothing in it).
    expect(first.history?.connections_backfilled).toBe(first.history?.connections_due);
    expect(first.history?.connections_due).toBeGreaterThanOrEqual(withRuns().length);
    for (const connection of withRuns()) {
      const stored = await fx.repositories.syncRuns.listRecent(connection.id, 1000);
      expect(stored.map((run) => run.sync_id).sort()).toEqual(
        simRuns(connection.id)
          .map((r) => r.sync_id)
          .sort(),
      );
      expect(new Set(stored.map((run) => run.source))).toEqual(new Set(['history']));
      const item = await fx.repositories.connections.get(connection.id);
      const completed = simRuns(connection.id).filter((run) => run.ended_ms !== null).length;
      expect(syncStatsOf(item?.sync_ledger ?? null, clock.now()).runs).toBe(completed);
    }
    expect(second.history).toMatchObject({ connections_due: 0, requests: 0, runs_written: 0 });
    expect(historyRequests()).toBe(requestsAfterFirst);
  });

  it('never lets a history run overwrite what a webhook said about the same sync', async () => {
    // Prepare
    fx = await start();
    const connection = withRuns()[0];
    if (!connection) throw new Error('no connection with runs');
    const run = simRuns(connection.id).at(-1);
    if (!run?.ended_ms) throw new Error('no finished run');
    const said = events(connection.id, {
      connector_name: connection.schema,
      connector_type: connection.service,
      destination_group_id: connection.group_id,
    });
    await record(fx.recorder, said.syncStart(run.sync_id, new Date(run.started_ms).toISOString()));
    await record(
      fx.recorder,
      said.syncEnd(run.sync_id, new Date(run.ended_ms + 1_000).toISOString(), 'FAILURE', { reason: 'ours' }),
    );

    // Act
    const swept = await sweep();

    // Assess
    const stored = await fx.repositories.syncRuns.listRecent(connection.id, 1000);
    const same = stored.find((r) => r.sync_id === run.sync_id);
    expect(same).toMatchObject({ source: 'webhook', status: 'FAILURE', reason: 'ours' });
    expect(stored.filter((r) => r.source === 'history')).toHaveLength(simRuns(connection.id).length - 1);
    expect(swept.history?.runs_written).toBeGreaterThan(0);
  });

  it('reads a connection again after a webhook gap, and one whose listing is ahead of what we know', async () => {
    // Prepare: the first sweep reads everything; then webhooks tell of one run, miss two, tell of a fourth.
    fx = await start();
    await sweep();
    const [gapped, behind] = withRuns().filter((c) => !c.paused && c.schedule_type === 'auto');
    if (!gapped || !behind) throw new Error('need two scheduled connections');
    const said = events(gapped.id, {
      connector_name: gapped.schema,
      connector_type: gapped.service,
      destination_group_id: gapped.group_id,
    });
    const at = () => new Date(clock.now()).toISOString();
    await record(fx.recorder, said.syncEnd('told-1', at(), 'SUCCESSFUL'));
    const missed: string[] = [];
    for (let i = 0; i < 2; i++) {
      clock.advance(gapped.sync_frequency * MINUTE);
      missed.push(await fx.sim.runSync(gapped.id, 'SUCCESSFUL'));
    }
    clock.advance(gapped.sync_frequency * MINUTE);
    await record(fx.recorder, said.syncEnd('told-2', at(), 'SUCCESSFUL'));
    const lost = await fx.sim.runSync(behind.id, 'FAILURE');
    clock.advance(5 * MINUTE);

    // Act
    const swept = await sweep();

    // Assess
    expect(swept.history).toMatchObject({ connections_due: 2, connections_backfilled: 2 });
    const ids = async (id: string) =>
      (await fx.repositories.syncRuns.listRecent(id, 1000)).map((r) => r.sync_id);
    expect(await ids(gapped.id)).toEqual(expect.arrayContaining([...missed, 'told-1', 'told-2']));
    expect(await ids(behind.id)).toContain(lost);
    expect((await fx.repositories.connections.get(gapped.id))?.sync_ledger?.gap_from).toBeNull();
    expect((await sweep()).history?.connections_due).toBe(0);
  });

  it('degrades quietly on a 404: says so once, asks again only after a day, and backfills once it is served', async () => {
    // Prepare
    fx = await start();
    fx.sim.knobs.syncHistory = 'missing';

    // Act
    const found = await sweep();
    const requestsAfterFound = historyRequests();
    const quiet = await sweep();
    const requestsAfterQuiet = historyRequests();
    clock.advance(HISTORY_RETRY_MS + MINUTE);
    const retried = await sweep();
    const requestsAfterRetry = historyRequests();
    fx.sim.knobs.syncHistory = 'available';
    clock.advance(HISTORY_RETRY_MS + MINUTE);
    const served = await sweep();

    // Assess
    expect(found.outcome).toBe('succeeded');
    expect(found.history?.note).toMatch(/sync history is not available.*webhooks only/);
    expect(found.history?.unavailable_since).toBe(found.started_at);
    expect(found.error).toBeNull();
    expect(requestsAfterFound).toBe(1);
    expect(quiet.history).toMatchObject({ note: null, requests: 0, unavailable_since: found.started_at });
    expect(requestsAfterQuiet).toBe(1);
    expect(retried.history).toMatchObject({ note: null, unavailable_since: found.started_at });
    expect(requestsAfterRetry).toBe(2);
    expect(served.history).toMatchObject({ unavailable_since: null, note: null });
    expect(served.history?.runs_written).toBeGreaterThan(0);
  });

  it('treats an answer in a shape no run can be read from as "not available", writing nothing', async () => {
    // Prepare
    fx = await start();
    fx.sim.knobs.syncHistory = 'unknown_shape';

    // Act
    const swept = await sweep();

    // Assess
    expect(swept.outcome).toBe('succeeded');
    expect(swept.history).toMatchObject({ runs_written: 0, connections_backfilled: 0 });
    expect(swept.history?.note).toMatch(/not available.*no run could be read/);
    for (const connection of fx.sim.account.connections.values()) {
      expect(await fx.repositories.syncRuns.listRecent(connection.id)).toEqual([]);
    }
  });

  it('keeps to half of what the hourly budget leaves, and says how many connections wait', async () => {
    // Prepare: 8 requests an hour: the listing and groups take some, history gets half of the rest.
    fx = await start();

    // Act
    const swept = await fx.sweep({
      historyRequestBudget: null,
      schemaRequestBudget: 200,
      requestsPerHour: 8,
      now: clock.now,
    });

    // Assess
    const allowed = swept.request_budget?.optional_allowed ?? 0;
    expect(swept.history?.requests).toBeLessThanOrEqual(Math.ceil(allowed / 2));
    expect(swept.history?.connections_backfilled).toBeLessThan(withRuns().length);
    expect(swept.history?.note).toMatch(/connection\(s\) left for the next sweeps/);
    expect(swept.request_budget?.optional_used).toBeLessThanOrEqual(allowed);
  });
});
