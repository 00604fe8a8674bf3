import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '#commons/config/local-config';
import { signBody } from '#commons/webhook/signature';
import { durationText, syncs } from '../../functions/cli/commands/syncs.ts';
import { runCli } from '../../functions/cli/main.ts';
import { startLocalServer } from '../../functions/local/local-server.ts';
import { capture, freePort, type ReadFixture, startReadFixture } from '../support/http-fixture.ts';

const base = {
  connector_type: 'postgres',
  connector_id: 'pg_orders',
  connector_name: 'orders',
  destination_group_id: 'warehouse',
};
const T0 = Date.now() - 6 * 3600_000;
const minute = (n: number) => new Date(T0 + n * 60_000).toISOString();
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** 12 runs 10 minutes apart, every 4th failing (3 min each); then one still running, started 2 min ago. */
async function seedRuns(deliver: ReadFixture['deliver']) {
  for (let i = 0; i < 12; i++) {
    const sync_id = `sync_${String(i).padStart(2, '0')}`;
    await deliver({ ...base, event: 'sync_start', created: minute(i * 10), sync_id });
    await deliver({
      ...base,
      event: 'sync_end',
      created: minute(i * 10 + 3),
      sync_id,
      data:
        i % 4 === 3
          ? {
              status: 'FAILURE',
              reason: `disk full\u001b]52;c;aGk=\u0007\nforged: all good\u202e${'x'.repeat(500)}`,
            }
          : { status: 'SUCCESSFUL' },
    });
  }
  await deliver({
    ...base,
    event: 'sync_start',
    created: new Date(Date.now() - 120_000).toISOString(),
    sync_id: 'sync_live',
  });
}

const dataRows = (out: string) => out.split('\n').filter((line) => /^\d{4}-\d\d-\d\d /.test(line));

describe('fivetran-metadata syncs through a running local server', () => {
  let fx: ReadFixture;
  let env: Record<string, string>;

  beforeAll(async () => {
    fx = await startReadFixture({ apiToken: 'tok', mode: 'live' });
    await seedRuns(fx.deliver);
    const { port } = new URL(fx.url);
    env = {
      HOST: '127.0.0.1',
      PORT: port,
      API_TOKEN: 'tok',
      DATA_DIR: join(tmpdir(), 'fivetran-metadata-none'),
    };
  });
  afterAll(() => fx.close());

  it('lists the runs newest first: started, status, duration, source, reason', async () => {
    // Prepare
    const run = capture(env);

    // Act
    const code = await runCli(['syncs', 'pg_orders'], run.io);

    // Assess
    expect(code).toBe(0);
    const lines = run.out().split('\n');
    expect(lines[0]).toMatch(/^STARTED +STATUS +DURATION +SOURCE +REASON$/);
    const rows = dataRows(run.out());
    expect(rows).toHaveLength(13);
    expect(rows[0]).toMatch(/\(2 min ago\) +SYNCING +\d+ s so far|\(2 min ago\) +SYNCING +2\.\d min so far/);
    expect(rows[1]).toMatch(/ FAILURE +3\.0 min +webhook +disk full/);
    expect(rows[2]).toMatch(/\(4 h ago\) +SUCCESSFUL +3\.0 min +webhook +—$/);
    expect(rows.filter((row) => row.includes(' FAILURE '))).toHaveLength(3);
    expect(rows[rows.length - 1]).toMatch(/\(6 h ago\) +SUCCESSFUL/);
    expect(run.out()).not.toContain('--cursor');
  });

  it('keeps control characters off the terminal and clips a long reason', async () => {
    // Prepare
    const run = capture(env);

    // Act
    await syncs(['pg_orders', '--status', 'failure'], run.io);

    // Assess
    const out = run.out();
    expect(out).not.toMatch(ACTIVE);
    expect(out).toContain('disk full\\u001b]52;c;aGk=\\u0007 forged: all good\\u202e');
    expect(out.split('\n').some((line) => line.startsWith('forged'))).toBe(false);
    for (const row of dataRows(out)) expect(row.length).toBeLessThan(220);
  });

  it('narrows by status (any case) and pages until --limit, printing the cursor of the rest', async () => {
    // Prepare
    const failures = capture(env);
    const firstFive = capture(env);

    // Act
    await syncs(['pg_orders', '--status', 'Failure,failure_with_task'], failures.io);
    await syncs(['--limit', '5', 'pg_orders'], firstFive.io);
    const cursor = /--cursor (\S+)\)/.exec(firstFive.out())?.[1] ?? '';
    const rest = capture(env);
    await syncs(['pg_orders', '--cursor', cursor, '--limit', '100', '--json'], rest.io);

    // Assess
    expect(dataRows(failures.out()).map((row) => /ago\) +(\S+)/.exec(row)?.[1])).toEqual([
      'FAILURE',
      'FAILURE',
      'FAILURE',
    ]);
    expect(dataRows(firstFive.out())).toHaveLength(5);
    expect(cursor).not.toBe('');
    const answer = JSON.parse(rest.out());
    expect(answer.items).toHaveLength(8);
    expect(answer.items[0].sync_id).toBe('sync_07');
    expect(answer.next_cursor).toBeNull();
  });

  it('answers --json with the runs as the API gives them', async () => {
    // Prepare
    const run = capture(env);

    // Act
    const code = await syncs(['pg_orders', '--json', '--limit', '2'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(run.out().trimEnd()).not.toMatch(/[\u007f-\u009f\u202a-\u202e]/);
    const answer = JSON.parse(run.out());
    expect(answer).toMatchObject({ source: `the local server at ${fx.url}`, connection_id: 'pg_orders' });
    expect(answer.items.map((r: { sync_id: string }) => r.sync_id)).toEqual(['sync_live', 'sync_11']);
    expect(answer.items[1]).toMatchObject({ status: 'FAILURE', duration_s: 180, source: 'webhook' });
    expect(typeof answer.next_cursor).toBe('string');
  });

  it('says so for an unknown id, a bad status or limit, a foreign cursor and a missing id: exit 1', async () => {
    // Prepare
    const runs = Array.from({ length: 6 }, () => capture(env));

    // Act
    const codes = [
      await syncs(['nope\u001b[2J'], runs[0]?.io ?? capture(env).io),
      await syncs(['pg_orders', '--status', 'FAIL-URE'], runs[1]?.io ?? capture(env).io),
      await syncs(['pg_orders', '--limit', '0'], runs[2]?.io ?? capture(env).io),
      await syncs(['pg_orders', '--cursor', 'not-a-cursor'], runs[3]?.io ?? capture(env).io),
      await syncs([], runs[4]?.io ?? capture(env).io),
      await syncs(['nope', '--json'], runs[5]?.io ?? capture(env).io),
    ];

    // Assess
    expect(codes).toEqual([1, 1, 1, 1, 1, 1]);
    expect(runs[0]?.err()).toBe(
      'syncs: no connection with id "nope\\u001b[2J" is stored (fivetran-metadata status --all lists them)\n',
    );
    expect(runs[1]?.err()).toMatch(/--status must be status words such as SUCCESSFUL or FAILURE.*"FAIL-URE"/);
    expect(runs[2]?.err()).toMatch(/--limit must be a whole number from 1 to 10000, got "0"/);
    expect(runs[3]?.err()).toMatch(/^syncs: .*cursor/i);
    expect(runs[4]?.err()).toMatch(
      /which connection\? pass its id; usage: fivetran-metadata syncs <connection-id>/,
    );
    expect(JSON.parse(runs[5]?.out() ?? '')).toMatchObject({ ok: false, exit_code: 1 });
  });

  it('says when the server wants a token it was not given: exit 4', async () => {
    // Prepare
    const run = capture({ ...env, API_TOKEN: 'wrong' });

    // Act
    const code = await syncs(['pg_orders'], run.io);

    // Assess
    expect(code).toBe(4);
    expect(run.err()).toMatch(/API_TOKEN/);
  });
});

describe('fivetran-metadata syncs without a running server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-syncs-'));
  let env: Record<string, string>;

  beforeAll(async () => {
    // A server took the deliveries, then stopped: the command opens DATA_DIR itself.
    const server = await startLocalServer(
      loadLocalConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }),
      {
        log: () => {},
      },
    );
    for (let i = 0; i < 2; i++) {
      const sync_id = `s${i}`;
      for (const [event, at] of [
        ['sync_start', minute(i * 30)],
        ['sync_end', minute(i * 30 + 1)],
      ] as const) {
        const body = JSON.stringify({ ...base, event, created: at, sync_id, data: { status: 'SUCCESSFUL' } });
        const answer = await fetch(server.webhookUrl, {
          method: 'POST',
          body,
          headers: { 'X-Fivetran-Signature-256': signBody(body, server.webhookSecret.current) },
        });
        expect(answer.status).toBe(200);
      }
    }
    await server.close();
    env = { HOST: '127.0.0.1', PORT: String(await freePort()), DATA_DIR: dataDir };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reads the store under DATA_DIR', async () => {
    // Prepare
    const run = capture(env);

    // Act
    const code = await syncs(['pg_orders', '--json'], run.io);

    // Assess
    expect(code).toBe(0);
    const answer = JSON.parse(run.out());
    expect(answer.source).toBe(`DATA_DIR ${dataDir}`);
    expect(answer.items.map((r: { sync_id: string }) => r.sync_id)).toEqual(['s1', 's0']);
  });
});

describe('durationText', () => {
  it('counts a running run up to now, and says an unknown one is unknown', () => {
    const now = Date.parse('2026-06-01T10:10:00.000Z');
    const run = { sync_id: 'a', reason: null, task_type: null, source: 'webhook' as const };
    expect(
      durationText(
        {
          ...run,
          status: 'SYNCING',
          started_at: '2026-06-01T10:00:00.000Z',
          ended_at: null,
          duration_s: null,
        },
        now,
      ),
    ).toBe('10.0 min so far');
    expect(
      durationText({ ...run, status: 'FAILURE', started_at: null, ended_at: null, duration_s: null }, now),
    ).toBe('—');
    expect(
      durationText({ ...run, status: 'SUCCESSFUL', started_at: null, ended_at: null, duration_s: 45 }, now),
    ).toBe('45 s');
  });
});
