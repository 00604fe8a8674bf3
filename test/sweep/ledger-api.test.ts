import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '#commons/http/app';
import { manualClock, type SweepFixture, startSweepFixture } from './sweep-fixture.ts';

describe('the account-wide 7-day figures after a backfill', () => {
  let fx: SweepFixture;
  const clock = manualClock();
  afterEach(() => fx.close());

  it('sums every connection’s sync_stats into the summary and names the slowest by p95', async () => {
    // Prepare
    fx = await startSweepFixture({ seed: 9, groups: 2, connections: 12, now: clock.now });
    await fx.sweep({ historyRequestBudget: null, schemaRequestBudget: 0, now: clock.now });
    const app = createHttpApp({ repositories: fx.repositories, now: clock.now });
    // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field.
    const get = async (path: string): Promise<any> => (await app.request(path)).json();

    // Act
    const summary = await get('/api/summary');
    const { items } = await get('/api/connections?limit=1000');
    const details = await Promise.all(items.map((c: { id: string }) => get(`/api/connections/${c.id}`)));

    // Assess
    const stats = details.map((d) => d.sync_stats);
    const total = (field: string) => stats.reduce((sum, s) => sum + s[field], 0);
    expect(total('runs')).toBeGreaterThan(0);
    expect(summary.sync_stats).toMatchObject({
      runs: total('runs'),
      succeeded: total('succeeded'),
      failed: total('failed'),
      connections_with_runs: stats.filter((s) => s.runs > 0).length,
    });
    const rate = total('succeeded') / (total('succeeded') + total('failed'));
    expect(summary.sync_stats.success_rate).toBeCloseTo(rate, 3);
    const p95s = summary.sync_stats.slowest.map((s: { duration_p95_s: number }) => s.duration_p95_s);
    expect(p95s).toEqual([...p95s].sort((a, b) => b - a));
    const slowestDetail = Math.max(...stats.map((s) => s.duration_p95_s ?? 0));
    expect(p95s[0]).toBe(slowestDetail);
  });
});
