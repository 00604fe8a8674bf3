import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '#commons/config/env';
import { collectItems, FivetranClient } from '#commons/fivetran/client';
import {
  CredentialRejectedError,
  isMissingSchemaConfig,
  MalformedResponseError,
  NotFoundError,
  PermissionMissingError,
} from '#commons/fivetran/errors';
import { USER_AGENT } from '#commons/fivetran/user-agent';
import packageJson from '../../package.json' with { type: 'json' };
import { CREDENTIAL_NAME, type Harness, startHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.sim.close();
  harness = undefined;
});

/** A client whose fetch answers `body` with `status`: for envelope shapes the simulator never produces. */
function clientAnswering(status: number, body: string): FivetranClient {
  return new FivetranClient({
    baseUrl: 'https://api.fivetran.com',
    credential: { apiKey: 'key', apiSecret: 'secret' },
    credentialName: CREDENTIAL_NAME,
    fetch: async () => new Response(body, { status, headers: { 'Content-Type': 'application/json' } }),
  });
}

describe('FivetranClient: typed errors', () => {
  it('turns a 401 into CredentialRejectedError naming the secret to update, without retrying', async () => {
    // Prepare
    harness = await startHarness(
      { apiSecret: 'the-real-secret' },
      { credential: { apiKey: 'demo-key', apiSecret: 'stale-secret' } },
    );
    const { sim, client } = harness;

    // Act
    const error = await client.accountInfo().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(CredentialRejectedError);
    const message = (error as Error).message;
    expect(message).toContain('regenerated, revoked or expired');
    expect(message).toContain('creating a new Fivetran API key disables the old one');
    expect(message).toContain(CREDENTIAL_NAME);
    expect(message).not.toContain('stale-secret');
    expect(sim.requests.snapshot().by_status).toEqual({ '401': 1 });
  });

  it('tolerates a 401 with no body', async () => {
    // Prepare
    harness = await startHarness();
    const { sim, client } = harness;
    sim.faults.add({ kind: 'status', status: 401, body: 'none' });
    const raw = await fetch(`${sim.url}/v1/account/info`);

    // Act
    const error = await client.accountInfo().catch((e: unknown) => e);

    // Assess
    expect(await raw.text()).toBe('');
    expect(error).toBeInstanceOf(CredentialRejectedError);
    expect((error as CredentialRejectedError).credentialName).toBe(CREDENTIAL_NAME);
  });

  it('turns a 403 into PermissionMissingError', async () => {
    // Prepare: a scoped key that cannot see the group.
    harness = await startHarness();
    const { sim, client } = harness;
    sim.knobs.visibleGroupIds = [];
    const connectionId = [...sim.account.connections.keys()][0] as string;

    // Act
    const error = await client.connection(connectionId).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PermissionMissingError);
    expect((error as Error).message).toContain('GET /v1/connections/{id}');
  });

  it('carries Fivetran’s code on a 404: no schema config yet, or no such connection', async () => {
    // Prepare
    harness = await startHarness();
    const { sim, client } = harness;
    const withoutSchema = [...sim.account.connections.keys()].find(
      (id) => !sim.account.schemas.has(id),
    ) as string;
    const withSchema = [...sim.account.schemas.keys()][0] as string;

    // Act
    const missing = await client.connectionSchemas(withoutSchema).catch((e: unknown) => e);
    const gone = await client.connection('no_such_connection').catch((e: unknown) => e);
    const schema = await client.connectionSchemas(withSchema);

    // Assess
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).code).toBe('NotFound_SchemaConfig');
    expect(isMissingSchemaConfig(missing)).toBe(true);
    expect((gone as NotFoundError).code).toBe('NotFound_Connector');
    expect(isMissingSchemaConfig(gone)).toBe(false);
    expect(Object.keys(schema.schemas ?? {})).not.toHaveLength(0);
  });

  it('reports malformed JSON as MalformedResponseError without retrying', async () => {
    // Prepare
    harness = await startHarness();
    const { sim, client } = harness;
    sim.faults.add({ endpoint: 'GET /v1/groups', kind: 'malformed', times: 1 });

    // Act
    const error = await collectItems(client.groupPages()).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(sim.requests.total).toBe(1);
  });

  it.each([
    ['a non-Success code', '{"code":"Failure","message":"no","data":{}}', 'not "Success"'],
    ['no data', '{"code":"Success","message":"ok"}', 'no data'],
    ['not an envelope', '[1,2]', 'envelope'],
    ['data without a readable id', '{"code":"Success","data":{"account_id":1}}', 'no readable id'],
  ])('rejects an answer with %s', async (_, body, detail) => {
    // Prepare
    const client = clientAnswering(200, body);

    // Act
    const error = await client.accountInfo().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toContain(detail);
  });

  it('keeps unknown fields and accepts a missing optional field', async () => {
    // Prepare
    const client = clientAnswering(
      200,
      '{"code":"Success","data":{"account_id":"a","account_name":"A","brand_new_field":{"x":1}}}',
    );

    // Act
    const info = await client.accountInfo();

    // Assess
    expect(info).toEqual({ account_id: 'a', account_name: 'A', brand_new_field: { x: 1 } });
  });
});

describe('FivetranClient: requests', () => {
  it('sends Basic auth, a product User-Agent and Accept version=2 only on connection and destination endpoints', async () => {
    // Prepare
    harness = await startHarness();
    const { sim, client } = harness;
    const connectionId = [...sim.account.schemas.keys()][0] as string;
    const groupId = [...sim.account.groups.keys()][0] as string;

    // Act
    await client.accountInfo();
    await collectItems(client.groupPages());
    await collectItems(client.connectionPages());
    await client.connection(connectionId);
    await client.connectionSchemas(connectionId);
    await collectItems(client.destinationPages());
    await client.destination(groupId);
    await collectItems(client.webhookPages());

    // Assess
    const accepts = Object.fromEntries(sim.requestLog.map((r) => [r.endpoint, r.accept]));
    expect(accepts).toEqual({
      'GET /v1/account/info': 'application/json',
      'GET /v1/groups': 'application/json',
      'GET /v1/connections': 'application/json;version=2',
      'GET /v1/connections/{id}': 'application/json;version=2',
      'GET /v1/connections/{id}/schemas': 'application/json',
      'GET /v1/destinations': 'application/json;version=2',
      'GET /v1/destinations/{id}': 'application/json;version=2',
      'GET /v1/webhooks': 'application/json',
    });
    expect(new Set(sim.requestLog.map((r) => r.userAgent))).toEqual(new Set([USER_AGENT]));
    expect(USER_AGENT).toBe(`fivetran-metadata/${packageJson.version}`);
    expect(sim.requestLog.every((r) => r.status === 200)).toBe(true);
    expect(sim.requestLog.some((r) => r.url.includes('/connectors'))).toBe(false);
  });

  it('counts every attempt by endpoint template and status', async () => {
    // Prepare
    harness = await startHarness();
    const { sim, client } = harness;
    const [first, second] = [...sim.account.connections.keys()] as [string, string];
    sim.faults.add({ endpoint: 'GET /v1/connections/{id}', kind: 'status', status: 503, times: 1 });

    // Act
    await client.connection(first);
    await client.connection(second);
    await client.connection('gone').catch(() => undefined);

    // Assess
    expect(client.counter.snapshot()).toEqual({
      total: 4,
      by_status: { '503': 1, '200': 2, '404': 1 },
      by_endpoint: { 'GET /v1/connections/{id}': { total: 4, by_status: { '503': 1, '200': 2, '404': 1 } } },
    });
  });

  it('remembers the X-Rate-Limit-Remaining Fivetran last reported', async () => {
    // Prepare
    const remaining = ['19990', null];
    const client = new FivetranClient({
      baseUrl: 'https://api.fivetran.com',
      credential: { apiKey: 'key', apiSecret: 'secret' },
      credentialName: CREDENTIAL_NAME,
      fetch: async () => {
        const value = remaining.shift();
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (value) headers['X-Rate-Limit-Remaining'] = value;
        return new Response('{"code":"Success","data":{"account_id":"a","account_name":"A"}}', { headers });
      },
    });

    // Act
    const before = client.rateLimitRemaining;
    await client.accountInfo();
    const reported = client.rateLimitRemaining;
    await client.accountInfo();

    // Assess: an answer without the header keeps the last known value.
    expect([before, reported, client.rateLimitRemaining]).toEqual([null, 19_990, 19_990]);
  });

  it('refuses plain http to anything but a loopback host', () => {
    // Act
    const build = () =>
      new FivetranClient({
        baseUrl: 'http://api.fivetran.com',
        credential: { apiKey: 'k', apiSecret: 's' },
        credentialName: 'X',
      });

    // Assess
    expect(build).toThrow(ConfigError);
  });
});
