/**
 * The deployed bundles, each in a fresh process per invocation, against dynalite, the AWS fakes and the
 * Fivetran simulator, with API Gateway REST proxy events. Expectations the handlers do not meet yet are
 * (once marked `it.fails` with the issue that asked for them; all are fixed now).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signBody } from '#commons/webhook/signature';
import { type Simulator, startSimulator } from '../../../functions/simulator/simulator.ts';
import { type ChannelReceiver, startChannelReceiver } from '../../alerts/support/receivers.ts';
import { roleStatements, statementsGranting } from '../stack-fixture.ts';
import type { BundledStack, FunctionId } from './bundled-stack.ts';
import { type FakeAws, startFakeAws } from './fake-aws.ts';
import { type GatewayRequest, restProxyEvent } from './gateway-events.ts';
import { type Invocation, runBundle, runtimeEnvironment, templateEnvironment } from './run-bundle.ts';

const REGION = 'us-east-1';
const secretArn = (name: string) => `arn:aws:secretsmanager:${REGION}:111111111111:secret:${name}`;
const WEBHOOK_SECRET_ARN = secretArn('e2e-webhook-signing-AbCdEf');
const CREDENTIAL_ARN = secretArn('e2e-api-credential-AbCdEf');
const SWEEP_FUNCTION_NAME = 'FivetranMetadata-Sweep-e2e';
const SIGNING_SECRET = 'e2eSigningSecret0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM';
const ALERT_SECRET_ARN = secretArn('e2e-alert-channels-AbCdEf');

interface HttpAnswer {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

export function runtimeScenarios(bundledStack: () => BundledStack): void {
  let fake: FakeAws;
  let simulator: Simulator;
  /** Every AWS call each function made, for the least-privilege check at the end. */
  const actionsBy: Record<FunctionId, Set<string>> = {
    Webhook: new Set(),
    Api: new Set(),
    Sweep: new Set(),
    AlertsFunction: new Set(),
  };
  let slack: ChannelReceiver;

  beforeAll(async () => {
    fake = await startFakeAws();
    simulator = await startSimulator({
      seed: 'lambda-runtime',
      groups: 2,
      connections: 6,
      syncEveryMs: null,
    });
    fake.secrets.set(WEBHOOK_SECRET_ARN, SIGNING_SECRET);
    fake.secrets.set(CREDENTIAL_ARN, JSON.stringify(simulator.credential));
    slack = await startChannelReceiver('/services/T0/B0/e2eslacksecret');
    fake.secrets.set(ALERT_SECRET_ARN, JSON.stringify({ SLACK_WEBHOOK_URL: slack.url }));
  });
  afterAll(async () => {
    await slack?.close();
    await simulator?.close();
    await fake?.close();
  });

  async function invoke(
    id: FunctionId,
    event: unknown,
    overrides: { env?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<Invocation> {
    const fn = bundledStack().functions[id];
    const functionName = `FivetranMetadata-${id}-e2e`;
    const env = {
      ...runtimeEnvironment(functionName, fake),
      ...templateEnvironment(fn.variables, {
        TABLE_NAME: fake.tableName,
        WEBHOOK_SECRET_ARN,
        API_CREDENTIAL_SECRET_ARN: CREDENTIAL_ARN,
        SWEEP_FUNCTION_NAME,
        ALERT_SECRET_ARN,
      }),
      // The sweep reaches the simulator instead of api.fivetran.com (loopback may be plain http).
      ...(id === 'Sweep' ? { FIVETRAN_API_URL: simulator.url } : {}),
      ...overrides.env,
    };
    const mark = fake.calls.length;
    const invocation = await runBundle(fn.dir, event, {
      functionName,
      timeoutMs: overrides.timeoutMs ?? fn.timeoutMs,
      env,
    });
    for (const call of fake.calls.slice(mark)) actionsBy[id].add(call.action);
    return invocation;
  }

  async function http(id: 'Webhook' | 'Api', request: GatewayRequest): Promise<HttpAnswer> {
    const invocation = await invoke(id, restProxyEvent(request));
    if (!invocation.ok)
      throw new Error(`${id} failed: ${JSON.stringify(invocation.error)}\n${invocation.stdout}`);
    return invocation.result as HttpAnswer;
  }

  function syncEnd(connectorId: string): string {
    return JSON.stringify({
      event: 'sync_end',
      created: new Date().toISOString(),
      connector_type: 'postgres',
      connector_id: connectorId,
      connector_name: 'e2e_postgres',
      sync_id: randomUUID(),
      destination_group_id: 'e2e_group',
      data: { status: 'SUCCESSFUL' },
    });
  }

  it('webhook: a signed delivery is stored (200) and the api bundle serves it', async () => {
    // Prepare
    const body = syncEnd('e2e_signed');
    const headers = {
      'Content-Type': 'application/json',
      'X-Fivetran-Signature-256': signBody(body, SIGNING_SECRET),
    };

    // Act
    const answer = await http('Webhook', { method: 'POST', url: '/webhooks/fivetran', headers, body });
    const events = await http('Api', { method: 'GET', url: '/api/connections/e2e_signed/events' });

    // Assess
    expect(answer.statusCode, answer.body).toBe(200);
    expect(events.statusCode, events.body).toBe(200);
    const items = (JSON.parse(events.body) as { items: { event?: string }[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]?.event).toBe('sync_end');
  });

  it('webhook: a transformation run loads the lazy observers in the bundle; the api lists its health', async () => {
    // Prepare
    const body = JSON.stringify({
      event: 'transformation_run_failed',
      created: '2026-06-01T10:00:00.000Z',
      data: { transformation_id: 'e2e_dbt', reason: 'compilation error' },
    });
    const headers = { 'X-Fivetran-Signature-256': signBody(body, SIGNING_SECRET) };

    // Act
    const answer = await http('Webhook', { method: 'POST', url: '/webhooks/fivetran', headers, body });
    const listed = await http('Api', { method: 'GET', url: '/api/transformations' });

    // Assess
    expect(answer.statusCode, answer.body).toBe(200);
    expect(listed.statusCode, listed.body).toBe(200);
    const items = (JSON.parse(listed.body) as { items: { id: string; health: string }[] }).items;
    expect(items.find((t) => t.id === 'e2e_dbt')?.health).toBe('failing');
  });

  it('webhook: an unsigned delivery is refused (401) and nothing is written', async () => {
    // Prepare
    const body = syncEnd('e2e_unsigned');
    const mark = fake.calls.length;

    // Act
    const answer = await http('Webhook', { method: 'POST', url: '/webhooks/fivetran', body });

    // Assess
    expect(answer.statusCode).toBe(401);
    const writes = fake.calls
      .slice(mark)
      .filter((c) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(c.action));
    expect(writes).toEqual([]);
  });

  it('api: GET /api/connections answers 200 with a list', async () => {
    // Act
    const answer = await http('Api', { method: 'GET', url: '/api/connections?limit=5' });

    // Assess
    expect(answer.statusCode, answer.body).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ items: expect.any(Array) });
  });

  it('sweep: an invocation against the simulator writes a sweep record the api lists', async () => {
    // Act: the event EventBridge Scheduler sends carries nothing the function reads.
    const invocation = await invoke('Sweep', {});
    const sweeps = await http('Api', { method: 'GET', url: '/api/sweeps' });
    const connections = await http('Api', { method: 'GET', url: '/api/connections?limit=100' });

    // Assess
    expect(invocation.ok, JSON.stringify(invocation.error)).toBe(true);
    const record = (invocation.result as { status: string; record: { id: string; outcome: string } }).record;
    expect(record.outcome).toBe('succeeded');
    const listed = (JSON.parse(sweeps.body) as { items: { id: string }[] }).items.map((s) => s.id);
    expect(listed).toContain(record.id);
    expect((JSON.parse(connections.body) as { items: unknown[] }).items.length).toBe(6);
  });

  it('api: POST /api/sweeps invokes the sweep function asynchronously (202)', async () => {
    // Prepare
    const mark = fake.calls.length;

    // Act
    const answer = await http('Api', { method: 'POST', url: '/api/sweeps' });

    // Assess
    expect(answer.statusCode, answer.body).toBe(202);
    const invoked = fake.calls.slice(mark).filter((c) => c.action === 'lambda:InvokeFunction');
    expect(invoked).toHaveLength(1);
    expect(invoked[0]?.body).toEqual({ sweep_id: (JSON.parse(answer.body) as { id: string }).id });
  });

  it('api: never logs the request event (its SigV4 headers) with the template settings', async () => {
    // Prepare
    const headers = {
      Authorization: 'AWS4-HMAC-SHA256 Credential=ASIAE2E/x, Signature=e2esigv4signaturevalue',
    };

    // Act
    const invocation = await invoke('Api', restProxyEvent({ method: 'GET', url: '/api/summary', headers }));

    // Assess
    expect(invocation.ok).toBe(true);
    expect(invocation.stdout).not.toContain('e2esigv4signaturevalue');
  });

  // The api handler pins `logEvent: false` as the webhook and sweep handlers do (issue 13).
  it('api: never logs the request event even when POWERTOOLS_LOGGER_LOG_EVENT=true', async () => {
    const headers = {
      Authorization: 'AWS4-HMAC-SHA256 Credential=ASIAE2E/x, Signature=e2esigv4signaturevalue',
    };
    const event = restProxyEvent({ method: 'GET', url: '/api/summary', headers });
    const invocation = await invoke('Api', event, { env: { POWERTOOLS_LOGGER_LOG_EVENT: 'true' } });
    expect(invocation.stdout).not.toContain('e2esigv4signaturevalue');
  });

  // Multi-value query strings read like the local server: the first value (issue 14).
  it('api: a repeated query parameter is read by its first value, as the local server does', async () => {
    const answer = await http('Api', { method: 'GET', url: '/api/connections?health=failing&health=bogus' });
    expect(answer.statusCode, answer.body).toBe(200);
  });

  // `GET /api` is routed by the gateway and answers like the local server, not 404 (issue 14).
  it('api: GET /api answers like the local server, not 404', async () => {
    const answer = await http('Api', { method: 'GET', url: '/api' });
    expect(answer.statusCode).not.toBe(404);
  });

  // The stack's placeholder credential gives outcome `not_configured`, returned without error (issue 14).
  it('sweep: with the placeholder credential records not_configured and returns without error', async () => {
    fake.secrets.set(CREDENTIAL_ARN, JSON.stringify({ apiKey: '', apiSecret: '' }));
    try {
      const invocation = await invoke('Sweep', {});
      expect(invocation.ok, JSON.stringify(invocation.error)).toBe(true);
      expect((invocation.result as { record: { outcome: string } }).record.outcome).toBe('not_configured');
    } finally {
      fake.secrets.set(CREDENTIAL_ARN, JSON.stringify(simulator.credential));
    }
  });

  // SDK clients have request timeouts: a stalled DynamoDB answers 503 within 5 s (issue 14).
  it('webhook: a stalled DynamoDB gives 503 within 5 s', async () => {
    const body = syncEnd('e2e_stalled');
    const headers = { 'X-Fivetran-Signature-256': signBody(body, SIGNING_SECRET) };
    const event = restProxyEvent({ method: 'POST', url: '/webhooks/fivetran', headers, body });
    const invocation = await invoke('Webhook', event, {
      env: { AWS_ENDPOINT_URL_DYNAMODB: fake.endpoints.stalled },
      // Past 6 s the answer is too late anyway; the function's own timeout is 10 s.
      timeoutMs: 6_000,
    });
    expect(invocation.ok && (invocation.result as HttpAnswer).statusCode).toBe(503);
    expect(invocation.wallMs - invocation.importMs).toBeLessThan(5_000);
  }, 30_000);

  it('alerts: a failure the webhook bundle kept reaches Slack through the alerts bundle, once', async () => {
    // Prepare: healthy, then failing, through the webhook bundle (the template sets ALERT_CHANNELS on it).
    const post = async (status: string, created: string) => {
      const body = JSON.stringify({
        event: 'sync_end',
        created,
        connector_type: 'postgres',
        connector_id: 'e2e_alerted',
        connector_name: 'e2e_alerted_db',
        sync_id: randomUUID(),
        destination_group_id: 'e2e_group',
        data: status === 'SUCCESSFUL' ? { status } : { status, reason: 'e2e disk full' },
      });
      const headers = { 'X-Fivetran-Signature-256': signBody(body, SIGNING_SECRET) };
      return http('Webhook', { method: 'POST', url: '/webhooks/fivetran', headers, body });
    };
    await post('SUCCESSFUL', new Date(Date.now() - 120_000).toISOString());
    await post('FAILURE', new Date(Date.now() - 60_000).toISOString());
    // Deployed, a change waits out the inbox's settle delay (5 s) before it is planned.
    await new Promise((resolve) => setTimeout(resolve, 5_200));

    // Act
    const first = await invoke('AlertsFunction', {});
    const second = await invoke('AlertsFunction', {});

    // Assess
    expect(first.ok, JSON.stringify(first.error)).toBe(true);
    // The earlier scenarios' changes (the sweep saw the simulator's failing connections) are planned too.
    expect(first.result).toMatchObject({ status: 'done', dead: 0 });
    expect(second.result).toMatchObject({ status: 'done', planned: 0, delivered: 0 });
    const ours = slack.received.filter((r) => String(r.json.text).includes('e2e_alerted_db'));
    expect(ours).toHaveLength(1);
    expect(String(ours[0]?.json.text)).toContain('e2e_alerted_db is failing');
    expect(slack.received).toHaveLength((first.result as { delivered: number }).delivered);
    expect(first.stdout).not.toContain('e2eslacksecret');
  }, 40_000);

  it('every AWS operation a bundle sent above is allowed to its role in the template', () => {
    // Prepare
    const { template } = bundledStack();

    for (const [id, actions] of Object.entries(actionsBy)) {
      // Act
      const statements = roleStatements(template, id);
      const denied = [...actions].filter((action) => statementsGranting(statements, action).length === 0);

      // Assess
      expect(actions.size, `${id} made calls`).toBeGreaterThan(0);
      expect(denied, `${id} sent operations its role does not allow`).toEqual([]);
    }
    expect([...actionsBy.Api].filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
  });
}
