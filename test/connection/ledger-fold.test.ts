import { describe, expect, it } from 'vitest';
import { applyEvent } from '#commons/connection/apply-event';
import type { Connection } from '#commons/connection/connection';
import { RECENT_RUNS, syncStatsOf } from '#commons/connection/sync-stats';
import { parseEvent } from '#commons/webhook/parse-event';

const NOW = Date.parse('2026-06-08T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;

function webhook(payload: Record<string, unknown>) {
  const parsed = parseEvent(
    Buffer.from(JSON.stringify({ connector_id: 'c1', connector_type: 'postgres', ...payload })),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.event;
}

/** The start and the end of sync `id`, `hoursAgo` before NOW, two minutes long. */
const start = (id: string, hoursAgo: number) =>
  webhook({ event: 'sync_start', sync_id: id, created: iso(NOW - hoursAgo * HOUR - 120_000) });
const end = (id: string, hoursAgo: number, status = 'SUCCESSFUL') =>
  webhook({ event: 'sync_end', sync_id: id, created: iso(NOW - hoursAgo * HOUR), data: { status } });

function deliver(events: ReturnType<typeof webhook>[]): Connection | null {
  let connection: Connection | null = null;
  for (const event of events)
    connection = applyEvent(connection, event, { nowIso: iso(NOW) })?.connection ?? connection;
  return connection;
}

const stats = (connection: Connection | null) => syncStatsOf(connection?.sync_ledger ?? null, NOW);

describe('the roll-up on the connection, as each sync event folds its own run', () => {
  it('counts each run once with its duration, whatever is delivered twice', () => {
    // Act
    const once = deliver([start('s1', 3), end('s1', 3), end('s2', 2, 'FAILURE')]);
    const twice = deliver([
      start('s1', 3),
      end('s1', 3),
      end('s1', 3),
      end('s2', 2, 'FAILURE'),
      end('s2', 2, 'FAILURE'),
    ]);

    // Assess: two minutes is the bin whose value is 128 s (within ~9 %).
    expect(stats(once)).toMatchObject({ runs: 2, succeeded: 1, failed: 1, duration_p50_s: 128 });
    expect(twice?.sync_ledger).toEqual(once?.sync_ledger);
  });

  it('counts an end that arrives after a newer one, and learns a duration from a start that comes last', () => {
    // Act
    const inOrder = deliver([start('s1', 3), end('s1', 3), start('s2', 2), end('s2', 2)]);
    const reordered = deliver([end('s2', 2), end('s1', 3), start('s2', 2), start('s1', 3)]);

    // Assess
    expect(stats(reordered)).toEqual(stats(inOrder));
    expect(stats(reordered)).toMatchObject({ runs: 2, duration_p95_s: 128 });
  });

  it('leaves an end older than a full list of newest runs to the sweep’s recount (a gap), so none counts twice', () => {
    // Prepare: s0 ended first, then RECENT_RUNS newer runs pushed it out of the newest runs.
    const newer = Array.from({ length: RECENT_RUNS }, (_, i) => end(`n${i}`, RECENT_RUNS - i));
    const afterNewer = deliver([end('s0', RECENT_RUNS + 2), ...newer]);

    // Act: s0's end delivered again (a retry), and an end never seen that is older than all of them.
    const retried = applyEvent(afterNewer, end('s0', RECENT_RUNS + 2), { nowIso: iso(NOW) });
    const late = applyEvent(afterNewer, end('old', RECENT_RUNS + 5), { nowIso: iso(NOW) });

    // Assess
    expect(stats(afterNewer).runs).toBe(RECENT_RUNS + 1);
    expect(stats(retried?.connection ?? null)).toEqual(stats(afterNewer));
    expect(stats(late?.connection ?? null)).toEqual(stats(afterNewer));
    // Either could be a run not counted yet: the next sweep recounts from the oldest of them.
    expect(afterNewer?.sync_ledger?.gap_from).toBeNull();
    expect(retried?.connection.sync_ledger?.gap_from).toBe(NOW - (RECENT_RUNS + 2) * HOUR);
    expect(late?.connection.sync_ledger?.gap_from).toBe(NOW - (RECENT_RUNS + 5) * HOUR);
  });
});
