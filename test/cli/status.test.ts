import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '#commons/config/local-config';
import { startLocalDynamo } from '#commons/local-store/local-dynamo';
import { status } from '../../functions/cli/commands/status.ts';
import { startLocalServer } from '../../functions/local/local-server.ts';
import { openCore } from '../support/core.ts';
import {
  capture,
  connection,
  freePort,
  putGroup,
  type ReadFixture,
  saveConnections,
  startReadFixture,
} from '../support/http-fixture.ts';

const HEALTHS = ['failing', 'healthy', 'delayed', 'healthy', 'paused', 'healthy', 'failing'] as const;
const seeded = HEALTHS.map((health, i) =>
  connection(`c${i}`, { health, group: 'warehouse', service: i % 2 ? 'salesforce' : 'postgres' }),
);

describe('CLI status through a running local server', () => {
  let fx: ReadFixture;
  let env: Record<string, string>;

  beforeAll(async () => {
    fx = await startReadFixture({ apiToken: 'tok', mode: 'live' });
    await saveConnections(fx.writer, seeded);
    await putGroup(fx.repositories.groups, {
      id: 'warehouse',
      name: 'Warehouse',
      destination: {
        id: 'warehouse',
        service: 'snowflake',
        region: null,
        setup_status: 'CONNECTED',
        time_zone_offset: null,
      },
    });
    const { port } = new URL(fx.url);
    // DATA_DIR points nowhere: the server is the only way in.
    env = {
      HOST: '127.0.0.1',
      PORT: port,
      API_TOKEN: 'tok',
      DATA_DIR: join(tmpdir(), 'fivetran-metadata-none'),
    };
  });
  afterAll(async () => {
    await fx.close();
  });

  it('prints counts and the connections that need a look, failing first, without colour when not a TTY', async () => {
    // Prepare
    const run = capture(env);

    // Act
    const code = await status([], run.io);

    // Assess
    expect(code).toBe(0);
    const out = run.out();
    expect(out).toContain(`the local server at ${fx.url} (live)`);
    expect(out).toMatch(/Connections:\s+7 \(2 failing · 0 pending · 1 delayed · 1 paused · 3 healthy\)/);
    const rows = out.split('\n').filter((line) => /^(failing|delayed|paused|healthy) /.test(line));
    expect(rows.map((line) => line.split(/\s+/).slice(0, 2))).toEqual([
      ['failing', 'c0_schema'],
      ['failing', 'c6_schema'],
      ['delayed', 'c2_schema'],
      ['paused', 'c4_schema'],
    ]);
    expect(rows[0]).toContain('Warehouse (snowflake)');
    expect(rows[0]).toContain('Connection reset by peer');
    expect(out).toContain('(3 healthy not listed; --all lists every connection)');
    expect(out).not.toContain('\u001b[');
  });

  it('lists every connection with --all, one health with --health, in colour with --color', async () => {
    // Prepare
    const all = capture(env);
    const healthy = capture(env);

    // Act
    await status(['--all'], all.io);
    await status(['--health', 'healthy', '--color'], healthy.io);

    // Assess
    expect(
      all
        .out()
        .split('\n')
        .filter((line) => /^(failing|delayed|paused|healthy) /.test(line)),
    ).toHaveLength(7);
    expect(healthy.out()).toContain('\u001b[32mhealthy');
    expect(healthy.out()).not.toContain('c0_schema');
  });

  it('answers --json with the summary and the listed connections', async () => {
    // Prepare
    const run = capture(env);

    // Act
    const code = await status(['--json'], run.io);

    // Assess
    expect(code).toBe(0);
    const parsed = JSON.parse(run.out());
    expect(parsed.summary).toMatchObject({ connections_total: 7, by_health: { failing: 2 } });
    expect(parsed.connections.map((c: { id: string }) => c.id).sort()).toEqual(['c0', 'c2', 'c4', 'c6']);
  });

  it('refuses a bad --health, and says when the token is wrong', async () => {
    // Prepare
    const bad = capture(env);
    const wrongToken = capture({ ...env, API_TOKEN: 'nope' });

    // Act
    const codes = [await status(['--health', 'sick'], bad.io), await status([], wrongToken.io)];

    // Assess
    expect(codes).toEqual([1, 4]);
    expect(bad.err()).toMatch(/--health must be one of failing, pending, delayed, paused, healthy/);
    expect(wrongToken.err()).toMatch(/bearer token.*API_TOKEN/);
  });
});

describe('CLI status without a running server', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fivetran-metadata-status-'));
  let env: Record<string, string>;

  beforeAll(async () => {
    // A server filled the store, then stopped.
    const server = await startLocalServer(
      loadLocalConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }),
      { log: () => {} },
    );
    await saveConnections(server.writer, seeded);
    await server.close();
    env = { HOST: '127.0.0.1', PORT: String(await freePort()), DATA_DIR: dataDir };
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads the store under DATA_DIR directly, and releases it afterwards', async () => {
    // Prepare
    const first = capture(env);
    const second = capture(env);

    // Act
    const codes = [await status(['--json'], first.io), await status(['--json'], second.io)];

    // Assess
    expect(codes).toEqual([0, 0]);
    expect(JSON.parse(first.out())).toMatchObject({
      source: `DATA_DIR ${dataDir}`,
      summary: { connections_total: 7 },
    });
    expect(JSON.parse(second.out()).summary.connections_total).toBe(7);
  });

  it('says what to do when nothing is stored yet', async () => {
    // Prepare
    const empty = mkdtempSync(join(tmpdir(), 'fivetran-metadata-empty-'));
    const run = capture({ ...env, DATA_DIR: empty });

    // Act
    const code = await status([], run.io);
    rmSync(empty, { recursive: true, force: true });

    // Assess
    expect(code).toBe(1);
    expect(run.err()).toMatch(/nothing is stored under DATA_DIR .*npm start.*--table/);
  });

  it('reads a deployed table with --table (here dynalite through --endpoint)', async () => {
    // Prepare
    const dynamo = await startLocalDynamo({ tableName: 'fivetran-metadata-prod' });
    const core = openCore({ client: dynamo.documentClient, tableName: dynamo.tableName });
    await saveConnections(core.writer, seeded.slice(0, 3));
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const run = capture(env);

    // Act
    const code = await status(
      ['--json', '--table', 'fivetran-metadata-prod', '--region', 'eu-west-1', '--endpoint', dynamo.endpoint],
      run.io,
    );
    await dynamo.close();

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(run.out())).toMatchObject({
      source: 'table fivetran-metadata-prod (eu-west-1)',
      summary: { connections_total: 3, mode: 'deployed' },
    });
  });

  it('names a table that does not exist instead of "internal error", exit 1', async () => {
    // Prepare
    const dynamo = await startLocalDynamo({ tableName: 'fivetran-metadata-prod' });
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const text = capture(env);
    const json = capture(env);
    const args = ['--table', 'nope', '--region', 'eu-west-1', '--endpoint', dynamo.endpoint];

    // Act
    const codes = [await status(args, text.io), await status([...args, '--json'], json.io)];
    await dynamo.close();

    // Assess
    expect(codes).toEqual([1, 1]);
    expect(text.err()).toBe(
      "status: table nope does not exist in eu-west-1: pass --region <the stack's region>, or check the name (the stack's TableName output)\n",
    );
    expect(JSON.parse(json.out())).toMatchObject({
      ok: false,
      exit_code: 1,
      message: expect.stringMatching(/^table nope/),
    });
  });

  it('says when the table cannot be reached at all, exit 4', async () => {
    // Prepare: a DynamoDB endpoint where nothing listens.
    const run = capture(env);
    const closed = `http://127.0.0.1:${await freePort()}`;

    // Act
    const code = await status(['--table', 't', '--region', 'eu-west-1', '--endpoint', closed], run.io);

    // Assess
    expect(code).toBe(4);
    expect(run.err()).toMatch(/^status: could not reach AWS to read table t in eu-west-1 \(ECONNREFUSED\)/);
  });
});

describe('CLI status over names and reasons that carry terminal control sequences', () => {
  let fx: ReadFixture;
  let env: Record<string, string>;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  beforeAll(async () => {
    fx = await startReadFixture({ apiToken: 'tok', mode: 'live' });
    const hostile = connection('c\u001b[2Kx', { health: 'failing' });
    await saveConnections(fx.writer, [
      {
        ...hostile,
        schema: 'pg\u001b]52;c;aGk=\u0007\u202egnp',
        service: 'post\u009b2Jgres',
        last_completed_sync: {
          ...(hostile.last_completed_sync as NonNullable<typeof hostile.last_completed_sync>),
          reason: 'reset\nforged: all healthy\u2066',
        },
      },
    ]);
    const { port } = new URL(fx.url);
    env = {
      HOST: '127.0.0.1',
      PORT: port,
      API_TOKEN: 'tok',
      DATA_DIR: join(tmpdir(), 'fivetran-metadata-none'),
    };
  });
  afterAll(async () => {
    await fx.close();
  });

  it('prints them escaped: no clipboard write, line erase, bidi override or forged line reaches the terminal', async () => {
    // Prepare
    const run = capture(env);

    // Act
    const code = await status(['--all', '--color'], run.io);

    // Assess
    expect(code).toBe(0);
    const ourColours = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
    const withoutOurColours = run.out().replace(ourColours, '');
    expect(withoutOurColours).not.toMatch(ACTIVE);
    expect(withoutOurColours).toContain('pg\\u001b]52;c;aGk=\\u0007\\u202egnp');
    expect(withoutOurColours).toContain('reset\\u000aforged');
    expect(withoutOurColours.split('\n').some((line) => line.startsWith('forged'))).toBe(false);
  });

  it('answers --json with the same values, DEL, C1 and bidi characters escaped', async () => {
    // Prepare
    const run = capture(env);

    // Act
    const code = await status(['--json', '--all'], run.io);

    // Assess
    expect(code).toBe(0);
    expect(run.out().trimEnd()).not.toMatch(ACTIVE);
    const parsed = JSON.parse(run.out());
    expect(parsed.connections[0].schema).toBe('pg\u001b]52;c;aGk=\u0007\u202egnp');
    expect(parsed.connections[0].service).toBe('post\u009b2Jgres');
  });
});
