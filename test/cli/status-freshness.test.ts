import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '#commons/connection/connection';
import { status } from '../../functions/cli/commands/status.ts';
import { freshnessWord } from '../../functions/cli/freshness-text.ts';
import {
  capture,
  connection,
  type ReadFixture,
  saveConnections,
  startReadFixture,
} from '../support/http-fixture.ts';

const HOUR = 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** A connection whose last success was `sinceMs` ago, on an hourly schedule (or a manual one). */
function scheduled(id: string, sinceMs: number, schedule: 'auto' | 'manual' = 'auto'): Connection {
  const base = connection(id, { at: ago(sinceMs) });
  return {
    ...base,
    schedule_type: schedule,
    sync_frequency: 60,
    succeeded_at: ago(sinceMs),
    // Freshness is judged at the write's `updated_at`: now.
    updated_at: new Date().toISOString(),
  };
}

describe('CLI status: last success and freshness', () => {
  let fx: ReadFixture;
  let env: Record<string, string>;

  beforeAll(async () => {
    fx = await startReadFixture({ apiToken: 'tok', mode: 'live' });
    await saveConnections(fx.writer, [
      // Hourly, last success 5 h ago: past the promise (due after 1 h, plus the NORMAL allowance of 1 h).
      scheduled('late_one', 5 * HOUR),
      scheduled('fresh_one', 10 * 60_000),
      scheduled('manual_one', 3 * 24 * HOUR, 'manual'),
      connection('broken_one', { health: 'failing', at: ago(2 * 24 * HOUR) }),
    ]);
    await fx.repositories.accountSyncStats.put({
      runs: 120,
      succeeded: 116,
      failed: 4,
      success_rate: 116 / 120,
      connections_with_runs: 3,
      slowest: [
        {
          connection_id: 'late_one',
          schema: 'late_one_schema',
          service: 'postgres',
          runs: 40,
          duration_p50_s: 300,
          duration_p95_s: 720,
        },
      ],
      since: ago(6 * 24 * HOUR),
      as_of: ago(60_000),
    });
    const { port } = new URL(fx.url);
    env = {
      HOST: '127.0.0.1',
      PORT: port,
      API_TOKEN: 'tok',
      DATA_DIR: join(tmpdir(), 'fivetran-metadata-none'),
    };
  });
  afterAll(() => fx.close());

  it('shows each connection’s last success as "x ago" and whether it keeps its schedule', async () => {
    // Prepare
    const run = capture(env);

    // Act
    const code = await status(['--all'], run.io);

    // Assess
    expect(code).toBe(0);
    const out = run.out();
    expect(out).toMatch(
      /HEALTH +CONNECTION +SERVICE +DESTINATION +LAST SUCCESS +FRESHNESS +LAST COMPLETED SYNC/,
    );
    const row = (id: string) =>
      out.split('\n').find((line) => /^[a-z]+ /.test(line) && line.includes(`${id}_schema`)) ?? '';
    expect(row('late_one')).toMatch(/^delayed .* 5 h ago +late [34] h +SUCCESSFUL/);
    expect(row('fresh_one')).toMatch(/^healthy .* 10 min ago +on time +SUCCESSFUL/);
    expect(row('manual_one')).toMatch(/ 3 d ago +manual +SUCCESSFUL/);
    expect(row('broken_one')).toMatch(/^failing .* never +\S/);
  });

  it('names the late connections and the account’s 7-day figures above the table', async () => {
    // Prepare
    const run = capture(env);

    // Act
    await status([], run.io);

    // Assess
    const out = run.out();
    expect(out).toMatch(/^Late: +1 past their schedule's promise \(late_one_schema late [34] h\)$/m);
    expect(out).toMatch(
      /^Syncs \(7 d\): +120 runs · 96\.7 % succeeded · 4 failed · slowest \(p95\): late_one_schema 12\.0 min$/m,
    );
  });

  it('says when nothing is late, and when no sweep has summed the figures yet', async () => {
    // Prepare: only the healthy connections are asked for.
    const run = capture(env);
    const empty = await startReadFixture({ mode: 'live' });
    const { port } = new URL(empty.url);
    const none = capture({ ...env, PORT: port, API_TOKEN: '' });

    // Act
    await status(['--health', 'healthy'], run.io);
    await status([], none.io);
    await empty.close();

    // Assess
    expect(run.out()).toMatch(/^Late: +none of those listed$/m);
    expect(none.out()).toMatch(/^Late: +none$/m);
    expect(none.out()).toMatch(/^Syncs \(7 d\): +no figures yet/m);
  });

  it('words freshness the way the dashboard does', () => {
    const f = (fields: Partial<NonNullable<Connection['freshness']>>) => ({
      last_success_at: '2026-06-01T00:00:00.000Z',
      expected_every_minutes: 60,
      late_after: null,
      late_by_minutes: 0,
      ...fields,
    });
    expect(
      freshnessWord({ freshness: f({ late_by_minutes: 185 }), schedule_type: 'auto', paused: false }),
    ).toBe('late 3 h');
    expect(
      freshnessWord({ freshness: f({ late_by_minutes: 40 }), schedule_type: 'auto', paused: false }),
    ).toBe('late 40 min');
    expect(freshnessWord({ freshness: f({}), schedule_type: 'auto', paused: false })).toBe('on time');
    expect(
      freshnessWord({
        freshness: f({ expected_every_minutes: null }),
        schedule_type: 'MANUAL',
        paused: false,
      }),
    ).toBe('manual');
    expect(freshnessWord({ freshness: null, schedule_type: null, paused: true })).toBe('paused');
    expect(
      freshnessWord({
        freshness: f({ last_success_at: null, late_by_minutes: null }),
        schedule_type: 'auto',
        paused: false,
      }),
    ).toBe('no success yet');
  });
});
