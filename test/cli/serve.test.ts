import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { type Serving, serve, startServe } from '../../functions/cli/commands/serve.ts';
import { openCore } from '../support/core.ts';
import { capture, connection, saveConnections } from '../support/http-fixture.ts';

describe('CLI serve over a deployed table (dynalite standing in for DynamoDB)', () => {
  let dynamo: LocalDynamo;
  let serving: Serving;

  beforeAll(async () => {
    // The SDK's default credential chain reads these; nothing reaches AWS (the endpoint is dynalite).
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    dynamo = await startLocalDynamo({ tableName: 'fivetran-metadata-prod' });
    const core = openCore({ client: dynamo.documentClient, tableName: dynamo.tableName });
    await saveConnections(core.writer, [connection('a', { health: 'failing' }), connection('b')]);
    serving = await startServe({
      tableName: dynamo.tableName,
      region: 'eu-west-1',
      endpoint: dynamo.endpoint,
      port: 0,
    });
  });
  afterAll(async () => {
    await serving?.close();
    await dynamo.close();
  });

  it('serves the dashboard and the read API on 127.0.0.1, in deployed mode', async () => {
    // Act
    const page = await fetch(`${serving.url}/`);
    const summary = (await (await fetch(`${serving.url}/api/summary`)).json()) as Record<string, unknown>;
    const failing = (await (await fetch(`${serving.url}/api/connections?health=failing`)).json()) as {
      items: { id: string }[];
    };

    // Assess
    expect(serving.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(summary).toMatchObject({ mode: 'deployed', connections_total: 2 });
    expect(failing.items.map((c) => c.id)).toEqual(['a']);
  });

  it('is read-only: no webhook route, and starting a sweep says where sweeps run', async () => {
    // Act
    const webhook = await fetch(`${serving.url}/webhooks/fivetran`, { method: 'POST', body: '{}' });
    const sweep = await fetch(`${serving.url}/api/sweeps`, { method: 'POST' });

    // Assess
    expect(webhook.status).toBe(404);
    expect(sweep.status).toBe(405);
    expect(((await sweep.json()) as { message: string }).message).toMatch(/read-only: sweeps run in AWS/);
  });

  it('answers no web page under another name (DNS rebinding): 421 for a foreign Host, loopback served', async () => {
    // Prepare
    const { port } = new URL(serving.url);
    const get = (host: string) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/api/connections', headers: { host } }, (answer) => {
          answer.resume();
          resolve(answer.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });

    // Act / Assess
    expect(await get('attacker.example')).toBe(421);
    expect(await get(`localhost:${port}`)).toBe(200);
  });

  it('runs as a command until Ctrl-C, printing its address', async () => {
    // Prepare
    const run = capture({});

    // Act
    const finished = serve(
      ['--table', dynamo.tableName, '--region', 'eu-west-1', '--endpoint', dynamo.endpoint, '--port', '0'],
      run.io,
    );
    await expect.poll(() => run.out(), { timeout: 10_000 }).toMatch(/serve: http:\/\/127\.0\.0\.1:\d+/);
    const url = /serve: (http:\/\/127\.0\.0\.1:\d+)/.exec(run.out())?.[1];
    const answer = await fetch(`${url}/api/connections`);
    process.emit('SIGINT');
    const code = await finished;
    const afterStop = await fetch(`${url}/api/connections`).then(
      () => 'answered',
      () => 'refused',
    );

    // Assess
    expect(answer.status).toBe(200);
    expect(code).toBe(0);
    expect(afterStop).toBe('refused');
  });

  it('explains a missing table and a missing --table in one line, exit 1', async () => {
    // Prepare
    const missing = capture({});
    const none = capture({});

    // Act
    const codes = [
      await serve(
        ['--table', 'nope', '--region', 'eu-west-1', '--endpoint', dynamo.endpoint, '--port', '0'],
        missing.io,
      ),
      await serve([], none.io),
    ];

    // Assess
    expect(codes).toEqual([1, 1]);
    expect(missing.err()).toMatch(/^serve: table nope does not exist in eu-west-1: pass --region/);
    expect(none.err()).toMatch(/--stack or --table is required/);
  });
});
