import { networkInterfaces } from 'node:os';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '#commons/config/env';
import { loadLocalConfig } from '#commons/config/local-config';
import { signBody } from '#commons/webhook/signature';
import { type LocalServer, startLocalServer } from '../../functions/local/local-server.ts';
import { buildStack, logicalIdOf, type Resource, resources } from '../infra/stack-fixture.ts';
import { tempDataDir } from '../local/server-fixture.ts';

/** The path of an API Gateway resource, from its parents. */
function resourcePath(all: Record<string, Resource>, ref: unknown): string {
  const id = (ref as { Ref?: string } | undefined)?.Ref;
  const resource = id ? all[id] : undefined;
  if (resource?.Type !== 'AWS::ApiGateway::Resource') return '';
  return `${resourcePath(all, resource.Properties.ParentId)}/${resource.Properties.PathPart as string}`;
}

describe('deployed: only the webhook is reachable without AWS credentials', () => {
  let template: Template;
  let all: Record<string, Resource>;

  beforeAll(() => {
    template = buildStack().template;
    all = resources(template);
  });

  it('requires IAM on every API Gateway method except POST /webhooks/fivetran', () => {
    // Act
    const methods = Object.values(all)
      .filter((resource) => resource.Type === 'AWS::ApiGateway::Method')
      .map((resource) => ({
        route: `${resource.Properties.HttpMethod as string} ${resourcePath(all, resource.Properties.ResourceId) || '/'}`,
        authorization: resource.Properties.AuthorizationType,
        apiKeyRequired: resource.Properties.ApiKeyRequired ?? false,
      }));

    // Assess
    const open = methods.filter((method) => method.authorization !== 'AWS_IAM');
    expect(open).toEqual([
      { route: 'POST /webhooks/fivetran', authorization: 'NONE', apiKeyRequired: false },
    ]);
    expect(methods.filter((method) => method.route.includes(' /api')).length).toBeGreaterThan(0);
  });

  it('lets only this API Gateway invoke the api function, and only on its /api routes', () => {
    // Prepare
    const api = logicalIdOf(template, 'AWS::Lambda::Function', 'Api');

    // Act
    const permissions = Object.values(all).filter(
      (resource) =>
        resource.Type === 'AWS::Lambda::Permission' &&
        JSON.stringify(resource.Properties.FunctionName).includes(`"${api}"`),
    );

    // Assess
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) {
      expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
      const source = JSON.stringify(permission.Properties.SourceArn);
      expect(source).toMatch(/\/\*\/api(\/\*)?"\]\]\}$/);
    }
  });

  it('has no other way in: no function URL, no second API, no resource policy opening the REST API', () => {
    // Act
    const types = new Set(Object.values(all).map((resource) => resource.Type));
    const restApis = Object.values(all).filter((resource) => resource.Type === 'AWS::ApiGateway::RestApi');

    // Assess
    expect(types.has('AWS::Lambda::Url')).toBe(false);
    expect([...types].filter((type) => type.startsWith('AWS::ApiGatewayV2::'))).toEqual([]);
    expect(types.has('AWS::ApiGateway::ApiKey')).toBe(false);
    expect(restApis).toHaveLength(1);
    expect(restApis[0]?.Properties.Policy).toBeUndefined();
  });
});

describe('local: loopback by default, and a token required anywhere else', () => {
  const data = tempDataDir();
  const TOKEN = 'access-control-token-7f3a';
  const SECRET = 'access-control-webhook-secret-0123456789abcdef0123';
  let open: LocalServer;

  beforeAll(async () => {
    open = await startLocalServer(
      loadLocalConfig({ PORT: '0', DATA_DIR: `${data.dir}/open`, FIVETRAN_WEBHOOK_SECRET: SECRET }),
      { log: () => {} },
    );
  });
  afterAll(async () => {
    await open.close();
    data.remove();
  });

  it('binds to 127.0.0.1 when HOST is not set, and is not reachable on the machine’s other addresses', async () => {
    // Prepare
    const port = new URL(open.url).port;
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
      .map((address) => address?.address as string);

    // Act
    const local = await fetch(`${open.url}/api/summary`);
    const elsewhere = await Promise.all(
      others.map((address) =>
        fetch(`http://${address}:${port}/api/summary`).then(
          (answer) => answer.status,
          (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
        ),
      ),
    );

    // Assess
    expect(loadLocalConfig({}).host).toBe('127.0.0.1');
    expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(local.status).toBe(200);
    for (const outcome of elsewhere) expect(outcome).toBe('ECONNREFUSED');
  });

  it.each(['0.0.0.0', '::', '192.168.1.20', 'example.internal'])(
    'refuses to start on HOST=%s without API_TOKEN',
    (host) => {
      // Act
      const attempt = () => loadLocalConfig({ HOST: host, DATA_DIR: `${data.dir}/refused` });

      // Assess
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/API_TOKEN/);
    },
  );

  it('on 0.0.0.0 with API_TOKEN, answers /api/* only to the right bearer token; the webhook stays signature-only', async () => {
    // Prepare
    const server = await startLocalServer(
      loadLocalConfig({
        PORT: '0',
        HOST: '0.0.0.0',
        API_TOKEN: TOKEN,
        DATA_DIR: `${data.dir}/public`,
        FIVETRAN_WEBHOOK_SECRET: SECRET,
      }),
      { log: () => {} },
    );
    const base = server.url.replace('0.0.0.0', '127.0.0.1');
    const get = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { headers }).then((answer) => answer.status);
    const body =
      '{"event":"sync_end","connector_id":"ac_conn","sync_id":"s1","data":{"status":"SUCCESSFUL"}}';

    try {
      // Act
      const statuses = {
        none: await get('/api/connections'),
        wrong: await get('/api/connections', { authorization: `Bearer ${TOKEN}x` }),
        prefix: await get('/api/connections', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }),
        basic: await get('/api/connections', { authorization: `Basic ${TOKEN}` }),
        inQuery: await get(`/api/connections?token=${TOKEN}&api_token=${TOKEN}`),
        sweeps: await fetch(`${base}/api/sweeps`, { method: 'POST' }).then((answer) => answer.status),
        trailingSlash: await get('/api/'),
        encoded: await get('/%61pi/connections'),
        right: await get('/api/connections', { authorization: `Bearer ${TOKEN}` }),
        webhookUnsigned: await fetch(`${base}/webhooks/fivetran`, { method: 'POST', body }).then(
          (answer) => answer.status,
        ),
        webhookSigned: await fetch(`${base}/webhooks/fivetran`, {
          method: 'POST',
          body,
          headers: { 'x-fivetran-signature-256': signBody(body, SECRET) },
        }).then((answer) => answer.status),
      };

      // Assess
      expect(statuses).toEqual({
        none: 401,
        wrong: 401,
        prefix: 401,
        basic: 401,
        inQuery: 401,
        sweeps: 401,
        trailingSlash: 401,
        // The app decodes the path: `/%61pi/…` is `/api/…`, and still needs the token.
        encoded: 401,
        right: 200,
        webhookUnsigned: 401,
        webhookSigned: 200,
      });
    } finally {
      await server.close();
    }
  });
});
