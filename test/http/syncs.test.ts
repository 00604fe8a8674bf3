import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSyncRun } from '#commons/connection/sync-run';
import { type ReadFixture, startReadFixture } from '../support/http-fixture.ts';
import { events, record } from '../support/store-fixture.ts';

const CONNECTION = 'conn_ledger';
/** Runs of yesterday, so the 7-day stats always count them. */
const BASE_MS = Math.floor((Date.now() - 86_400_000) / 3_600_000) * 3_600_000;
const at = (minute: number) => new Date(BASE_MS + minute * 60_000).toISOString();

/** Five runs by webhook (minutes 0, 10, 20, 30, 40: failing every other), one only history knows (50). */
async function seedRuns(fx: ReadFixture): Promise<void> {
  const said = events(CONNECTION);
  for (let i = 0; i < 5; i++) {
    await record(fx.recorder, said.syncStart(`s${i}`, at(i * 10)));
    await record(fx.recorder, said.syncEnd(`s${i}`, at(i * 10 + 3), i % 2 === 0 ? 'SUCCESSFUL' : 'FAILURE'));
  }
  const fromHistory = { ...newSyncRun(CONNECTION, 's5'), source: 'history' as const };
  await fx.repositories.syncRuns.putFromHistory({
    ...fromHistory,
    status: 'FAILURE_WITH_TASK',
    started_at: at(50),
    ended_at: at(52),
    end_as_of: Date.parse(at(52)),
  });
}

describe('GET /api/connections/{id}/syncs', () => {
  let fx: ReadFixture;
  beforeEach(async () => {
    fx = await startReadFixture();
    await seedRuns(fx);
  });
  afterEach(() => fx.close());

  it('pages every run newest first with limit and cursor, each with its source', async () => {
    // Act
    const pages = [];
    let path = `/api/connections/${CONNECTION}/syncs?limit=4`;
    for (let i = 0; i < 5; i++) {
      const page = await fx.get(path);
      expect(page.status).toBe(200);
      pages.push(page.body);
      if (page.body.next_cursor === null) break;
      path = `/api/connections/${CONNECTION}/syncs?limit=4&cursor=${encodeURIComponent(page.body.next_cursor)}`;
    }

    // Assess
    expect(pages.map((page) => page.items.length)).toEqual([4, 2]);
    const runs = pages.flatMap((page) => page.items);
    expect(runs.map((run: { sync_id: string }) => run.sync_id)).toEqual(['s5', 's4', 's3', 's2', 's1', 's0']);
    expect(runs[0]).toMatchObject({ source: 'history', status: 'FAILURE_WITH_TASK', duration_s: 120 });
    expect(runs[1]).toMatchObject({
      source: 'webhook',
      status: 'SUCCESSFUL',
      started_at: at(40),
      duration_s: 180,
    });
  });

  it('filters by status (comma-separated, any case), and pages the filtered list', async () => {
    // Act
    const first = await fx.get(
      `/api/connections/${CONNECTION}/syncs?status=failure,failure_with_task&limit=2`,
    );
    const next = await fx.get(
      `/api/connections/${CONNECTION}/syncs?status=failure,failure_with_task&limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`,
    );
    const successful = await fx.get(`/api/connections/${CONNECTION}/syncs?status=SUCCESSFUL`);

    // Assess
    expect(first.body.items.map((run: { sync_id: string }) => run.sync_id)).toEqual(['s5', 's3']);
    expect(next.body).toEqual({ items: [expect.objectContaining({ sync_id: 's1' })], next_cursor: null });
    expect(successful.body.items.map((run: { sync_id: string }) => run.sync_id)).toEqual(['s4', 's2', 's0']);
  });

  it('answers 400 for a malformed cursor, a cursor reused with another filter, and bad words or limits', async () => {
    // Prepare
    const first = await fx.get(`/api/connections/${CONNECTION}/syncs?limit=2`);
    const cursor = encodeURIComponent(first.body.next_cursor);

    // Act
    const answers = await Promise.all([
      fx.get(`/api/connections/${CONNECTION}/syncs?cursor=not-a-cursor`),
      fx.get(`/api/connections/${CONNECTION}/syncs?limit=2&status=FAILURE&cursor=${cursor}`),
      fx.get(`/api/connections/other_conn/syncs?limit=2&cursor=${cursor}`),
      fx.get(`/api/connections/${CONNECTION}/syncs?status=drop;table`),
      fx.get(`/api/connections/${CONNECTION}/syncs?limit=0`),
      fx.get(`/api/connections/${CONNECTION}/syncs?limit=1001`),
    ]);

    // Assess
    for (const answer of answers.slice(0, 2)) expect(answer.status).toBe(400);
    // Another connection's ledger: unknown id first (404), never that connection's runs.
    expect(answers[2]?.status).toBe(404);
    for (const answer of answers.slice(3)) expect(answer.status).toBe(400);
    for (const answer of answers) expect(answer.body).toEqual({ message: expect.any(String) });
  });

  it('answers 404 for an unknown connection and an empty page for one with no runs', async () => {
    // Prepare
    await record(fx.recorder, events('conn_quiet').lifecycle('connection_successful', at(1)));

    // Act
    const unknown = await fx.get('/api/connections/nobody_here/syncs');
    const quiet = await fx.get('/api/connections/conn_quiet/syncs');

    // Assess
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/nobody_here/);
    expect(quiet).toMatchObject({ status: 200, body: { items: [], next_cursor: null } });
  });

  it('shows sync_stats on the detail, rolled up from the webhook runs as they ended', async () => {
    // Act
    const detail = await fx.get(`/api/connections/${CONNECTION}`);

    // Assess
    expect(detail.status).toBe(200);
    expect(detail.body.sync_stats).toMatchObject({ runs: 5, succeeded: 3, failed: 2, success_rate: 0.6 });
    expect(detail.body.sync_stats.duration_p50_s).toBeCloseTo(180, -1);
  });
});
