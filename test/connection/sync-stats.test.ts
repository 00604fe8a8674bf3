import { describe, expect, it } from 'vitest';
import {
  binSeconds,
  DAY_MS,
  durationBin,
  type FinishedRun,
  foldRun,
  ledgerFromRuns,
  RECENT_RUNS,
  reconcileLedger,
  type SyncLedger,
  syncStatsOf,
} from '#commons/connection/sync-stats';

const NOW = Date.parse('2026-06-08T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A run that ended `hoursAgo` before NOW after `seconds`. */
function run(id: string, hoursAgo: number, status: string, seconds: number | null = 60): FinishedRun {
  const end = NOW - hoursAgo * 3_600_000;
  return {
    sync_id: id,
    status,
    started_at: seconds === null ? null : iso(end - seconds * 1000),
    ended_at: iso(end),
  };
}

const foldAll = (runs: readonly FinishedRun[], start: SyncLedger | null = null) =>
  runs.reduce<SyncLedger | null>((ledger, r) => foldRun(ledger, r, NOW), start);

describe('the 7-day roll-up of sync runs', () => {
  it('counts runs, successes and failures, and the success rate over both', () => {
    // Prepare
    const runs = [
      run('a', 50, 'SUCCESSFUL'),
      run('b', 40, 'FAILURE'),
      run('c', 30, 'SUCCESSFUL'),
      run('d', 20, 'FAILURE_WITH_TASK'),
      run('e', 10, 'RESCHEDULED'),
      run('f', 1, 'FAILED'),
    ];

    // Act
    const stats = syncStatsOf(foldAll(runs), NOW);

    // Assess: RESCHEDULED is a run, neither success nor failure.
    expect(stats).toMatchObject({ runs: 6, succeeded: 2, failed: 3, success_rate: 0.4 });
    expect(stats.since).toBe('2026-06-02T00:00:00.000Z');
  });

  it('counts a run once however often it is folded, and replaces an earlier end of the same sync', () => {
    // Prepare
    const failedFirst = run('x', 2, 'FAILED', 100);
    const thenSucceeded = run('x', 1, 'SUCCESSFUL', 3700);

    // Act
    const twice = foldAll([failedFirst, failedFirst, failedFirst]);
    const replaced = foldAll([failedFirst, thenSucceeded]);

    // Assess
    expect(syncStatsOf(twice, NOW)).toMatchObject({ runs: 1, failed: 1, succeeded: 0 });
    expect(syncStatsOf(replaced, NOW)).toMatchObject({ runs: 1, failed: 0, succeeded: 1 });
    expect(syncStatsOf(replaced, NOW).duration_p50_s).toBeCloseTo(3700, -3);
  });

  it('gives percentiles within ~9 % of the true durations', () => {
    // Prepare: 100 runs lasting 1..100 minutes.
    const runs = Array.from({ length: 100 }, (_, i) => run(`r${i}`, 100 - i, 'SUCCESSFUL', (i + 1) * 60));

    // Act
    const stats = syncStatsOf(foldAll(runs), NOW);

    // Assess: the true p50 is 50 min, p95 95 min.
    expect(Math.abs((stats.duration_p50_s ?? 0) - 3000) / 3000).toBeLessThan(0.1);
    expect(Math.abs((stats.duration_p95_s ?? 0) - 5700) / 5700).toBeLessThan(0.1);
    for (const seconds of [0.3, 4, 59, 61, 900, 86_400]) {
      expect(Math.abs(binSeconds(durationBin(seconds)) - seconds) / seconds).toBeLessThan(0.1);
    }
  });

  it('leaves durations null when no run had a known start, and the rate null without outcomes', () => {
    // Act
    const untimed = syncStatsOf(foldAll([run('a', 1, 'SUCCESSFUL', null)]), NOW);
    const empty = syncStatsOf(null, NOW);

    // Assess
    expect(untimed).toMatchObject({ runs: 1, duration_p50_s: null, duration_p95_s: null });
    expect(empty).toMatchObject({ runs: 0, success_rate: null, duration_p95_s: null });
  });

  it('never reads more than the window, and forgets days that left it', () => {
    // Prepare: one run 8 days ago (outside), one 5 days ago (inside), one today.
    const ledger = foldAll([
      run('old', 8 * 24, 'FAILURE'),
      run('mid', 5 * 24, 'SUCCESSFUL'),
      run('now', 1, 'SUCCESSFUL'),
    ]);

    // Act: read three days later, the stored days unchanged.
    const later = syncStatsOf(ledger, NOW + 3 * DAY_MS);

    // Assess
    expect(syncStatsOf(ledger, NOW)).toMatchObject({ runs: 2, failed: 0 });
    expect(ledger?.days.length).toBe(2);
    expect(later).toMatchObject({ runs: 1, succeeded: 1 });
  });

  it('stays bounded: at most 8 days and RECENT_RUNS runs, whatever the frequency', () => {
    // Prepare: a run a minute for ten days.
    const runs = Array.from({ length: 14_400 }, (_, i) => ({
      sync_id: `m${i}`,
      status: i % 10 === 0 ? 'FAILURE' : 'SUCCESSFUL',
      started_at: iso(NOW - (14_400 - i) * 60_000 - 20_000),
      ended_at: iso(NOW - (14_400 - i) * 60_000),
    }));

    // Act
    const ledger = foldAll(runs);

    // Assess
    expect(ledger?.days.length).toBeLessThanOrEqual(8);
    expect(ledger?.recent.length).toBe(RECENT_RUNS);
    expect(JSON.stringify(ledger).length).toBeLessThan(4_000);
    expect(syncStatsOf(ledger, NOW).runs).toBe(6 * 1440 + 12 * 60);
  });

  it('marks a webhook gap when two runs are further apart than the schedule promises', () => {
    // Act
    const close = [run('a', 3, 'SUCCESSFUL'), run('b', 2, 'SUCCESSFUL')].reduce<SyncLedger | null>(
      (l, r) => foldRun(l, r, NOW, { gapAfterMs: 2 * 3_600_000 }),
      null,
    );
    const apart = foldRun(close, run('c', -1, 'SUCCESSFUL'), NOW, { gapAfterMs: 2 * 3_600_000 });

    // Assess
    expect(close?.gap_from).toBeNull();
    expect(apart?.gap_from).toBe(NOW - 2 * 3_600_000);
  });

  it('counts a set of runs afresh, and keeps what the stored roll-up knew that the recount did not see', () => {
    // Prepare: the table holds a, b, c; the stored roll-up also folded d (a webhook's, meanwhile).
    const inTable = [run('a', 30, 'SUCCESSFUL'), run('b', 20, 'FAILURE'), run('c', 10, 'SUCCESSFUL')];
    const stored = foldAll([run('c', 10, 'SUCCESSFUL'), run('d', 1, 'SUCCESSFUL')]);

    // Act
    const recount = ledgerFromRuns(inTable, NOW, { history_at: NOW, gap_from: null });
    const reconciled = reconcileLedger(recount, stored, new Set(['a', 'b', 'c']), NOW);

    // Assess
    expect(syncStatsOf(recount, NOW)).toMatchObject({ runs: 3, failed: 1 });
    expect(syncStatsOf(reconciled, NOW)).toMatchObject({ runs: 4, succeeded: 3, failed: 1 });
    expect(reconciled.history_at).toBe(NOW);
  });
});
