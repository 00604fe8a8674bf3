import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadLambdaConfig } from '#commons/config/lambda-config';
import { loadAlertsLambdaConfig, wireAlerts } from '#commons/deployed/wire-alerts';
import { wireWebhook } from '#commons/deployed/wire-webhook';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { logger } from '#commons/observability/logger';
import { metrics } from '#commons/observability/metrics';
import { createRepositories } from '#commons/store/repositories';
import { signBody } from '#commons/webhook/signature';
import { makeAlertsHandler } from '../../functions/alerts/index.ts';
import { makeWebhookHandler } from '../../functions/webhook/index.ts';
import { ROUTING_KEY } from '../alerts/support/alert-fixtures.ts';
import { type ChannelReceiver, startChannelReceiver } from '../alerts/support/receivers.ts';
import { lambdaContext, restEvent } from '../support/lambda-fixture.ts';

const ALERT_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:alerts-AbCdEf';
const WEBHOOK_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhook-AbCdEf';
const SIGNING_SECRET = 'alerts-handler-signing-secret-0123456789';
const secrets = mockClient(SecretsManagerClient);
const events = mockClient(EventBridgeClient);

function context(remainingMs = 55_000): Context {
  return { ...lambdaContext(), getRemainingTimeInMillis: () => remainingMs };
}

const scheduled = { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} };
let syncs = 0;
function syncEnd(connection: string, status: string, created: string): string {
  syncs += 1;
  return JSON.stringify({
    event: 'sync_end',
    created,
    connector_type: 'postgres',
    connector_id: connection,
    connector_name: `${connection}_db`,
    sync_id: `sync-${syncs}`,
    destination_group_id: 'lunar_otter',
    data: status === 'SUCCESSFUL' ? { status } : { status, reason: 'Permission denied for table orders' },
  });
}

describe('alerts Lambda (scheduled every minute), fed by the webhook Lambda', () => {
  let dynamo: LocalDynamo;
  let slack: ChannelReceiver;
  let pagerduty: ChannelReceiver;
  const saved = { ...process.env };
  let metricCalls: [string, number][];
  let logged: string[];

  beforeAll(async () => {
    [dynamo, slack, pagerduty] = await Promise.all([
      startLocalDynamo(),
      startChannelReceiver('/services/T0/B0/slacksecretXYZ'),
      startChannelReceiver('/v2/enqueue'),
    ]);
    pagerduty.answer = () => ({ status: 202, body: '{"status":"success"}' });
    Object.assign(process.env, {
      TABLE_NAME: dynamo.tableName,
      ALERT_SECRET_ARN,
      WEBHOOK_SECRET_ARN,
      ALERT_CHANNELS: 'slack,pagerduty',
      EVENT_RETENTION_DAYS: '30',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await Promise.all([dynamo.close(), slack.close(), pagerduty.close()]);
  });
  beforeEach(() => {
    slack.received.length = 0;
    pagerduty.received.length = 0;
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    secrets
      .on(GetSecretValueCommand, { SecretId: WEBHOOK_SECRET_ARN })
      .resolves({ SecretString: SIGNING_SECRET });
    metricCalls = [];
    logged = [];
    vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      metricCalls.push([name, value]);
      return metrics;
    });
    for (const level of ['info', 'warn', 'error'] as const) {
      vi.spyOn(logger, level).mockImplementation((message: unknown, ...rest: unknown[]) => {
        logged.push(JSON.stringify([message, ...rest]));
      });
    }
  });
  afterEach(() => {
    secrets.reset();
    events.reset();
    vi.restoreAllMocks();
  });

  const channelSecret = (value: Record<string, string>) =>
    secrets
      .on(GetSecretValueCommand, { SecretId: ALERT_SECRET_ARN })
      .resolves({ SecretString: JSON.stringify(value) });
  const alertsHandler = () => makeAlertsHandler(() => wireAlerts(loadAlertsLambdaConfig()));
  const webhookHandler = () => makeWebhookHandler(() => wireWebhook(loadLambdaConfig('webhook')));
  async function deliverWebhook(body: string) {
    const handler = webhookHandler();
    const answer = await handler(
      restEvent(body, { 'X-Fivetran-Signature-256': signBody(body, SIGNING_SECRET) }),
      lambdaContext(),
    );
    expect(answer.statusCode).toBe(200);
  }

  it('a connection the webhook saw turn failing reaches Slack and PagerDuty on the next scheduled pass', async () => {
    // Prepare
    channelSecret({ SLACK_WEBHOOK_URL: slack.url, PAGERDUTY_ROUTING_KEY: ROUTING_KEY });
    process.env.ALERT_DASHBOARD_URL = 'https://metadata.example.test';
    process.env.PAGERDUTY_EVENTS_URL = pagerduty.url;
    await deliverWebhook(syncEnd('amber_finch', 'SUCCESSFUL', new Date(Date.now() - 120_000).toISOString()));
    await deliverWebhook(syncEnd('amber_finch', 'FAILURE', new Date(Date.now() - 60_000).toISOString()));

    // Act: the kept change is older than the settle delay only after a few seconds; wait it out.
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const handler = alertsHandler();
    const answer = await handler(scheduled, context());
    const again = await handler(scheduled, context());

    // Assess
    expect(answer).toMatchObject({ status: 'done', planned: 1, delivered: 2, dead: 0 });
    expect(again).toMatchObject({ status: 'done', planned: 0, delivered: 0 });
    expect(String(slack.received[0]?.json.text)).toContain('amber_finch_db is failing');
    expect(JSON.stringify(slack.received[0]?.json)).toContain('Permission denied for table orders');
    expect(pagerduty.received[0]?.json).toMatchObject({ event_action: 'trigger', routing_key: ROUTING_KEY });
    expect(metricCalls).toEqual(
      expect.arrayContaining([
        ['AlertsPlanned', 1],
        ['AlertsDelivered', 2],
        ['AlertsDead', 0],
        ['AlertOldestPendingSeconds', 0],
      ]),
    );
    // The secret is read once per instance (cached by Powertools Parameters).
    expect(secrets.commandCalls(GetSecretValueCommand, { SecretId: ALERT_SECRET_ARN })).toHaveLength(1);
    expect(logged.join('\n')).not.toMatch(/slacksecretXYZ|R0UT1NGKEY/);
    delete process.env.ALERT_DASHBOARD_URL;
    delete process.env.PAGERDUTY_EVENTS_URL;
  }, 20_000);

  it('ignores a channel filled in the secret but not enabled by the stack, and with the placeholder sends nothing', async () => {
    // Prepare
    const repositories = createRepositories(
      { client: dynamo.documentClient, tableName: dynamo.tableName },
      { retentionDays: 30 },
    );
    const teams = await startChannelReceiver('/workflows/x');
    channelSecret({ SLACK_WEBHOOK_URL: '', TEAMS_WEBHOOK_URL: teams.url, PAGERDUTY_ROUTING_KEY: '' });
    await repositories.alertChanges.record(
      {
        connection_id: 'quiet_harbor',
        group_id: null,
        service: 'postgres',
        schema: 'orders_db',
        previous: 'healthy',
        health: 'failing',
        health_reason: { code: 'sync_failed', message: 'Timeout', since: null },
        changed_at: new Date(Date.now() - 60_000).toISOString(),
      },
      Date.now() - 60_000,
    );

    // Act
    const answer = await alertsHandler()(scheduled, context());

    // Assess: teams is not in ALERT_CHANNELS; with no channel left the change is dropped unplanned.
    expect(answer).toMatchObject({ status: 'done', planned: 0, delivered: 0 });
    expect(teams.received).toEqual([]);
    expect(await repositories.alertInbox.oldest(10)).toEqual([]);
    await teams.close();
  });

  it('answers misconfigured (logged and counted, not thrown) for a secret that is not its JSON, never echoing it', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand, { SecretId: ALERT_SECRET_ARN })
      .resolves({ SecretString: 'hooks.slack.com/T0/secretvalue' });

    // Act
    const answer = await alertsHandler()(scheduled, context());

    // Assess
    expect(answer).toMatchObject({ status: 'misconfigured', message: expect.stringContaining('not JSON') });
    expect(metricCalls).toEqual([['AlertsMisconfigured', 1]]);
    expect(logged.join('\n')).not.toContain('secretvalue');
  });

  it('answers misconfigured when Secrets Manager refuses the read', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand, { SecretId: ALERT_SECRET_ARN })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    // Act
    const answer = await alertsHandler()(scheduled, context());

    // Assess
    expect(answer).toMatchObject({ status: 'misconfigured' });
    expect(metricCalls).toEqual([['AlertsMisconfigured', 1]]);
  });

  it('fails the invocation when the table does not answer, so the failed-work queue keeps it', async () => {
    // Prepare
    channelSecret({ SLACK_WEBHOOK_URL: slack.url });
    process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:9';

    // Act
    const failure = await alertsHandler()(scheduled, context()).catch((error: unknown) => error as Error);

    // Assess
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    expect(failure).toBeInstanceOf(Error);
    expect(slack.received).toEqual([]);
  }, 20_000);

  it('refuses an unknown channel in ALERT_CHANNELS or a bad ALERT_* setting at its first invocation', () => {
    expect(() => loadAlertsLambdaConfig({ ...process.env, ALERT_CHANNELS: 'slack,email' })).toThrow(
      'ALERT_CHANNELS: unknown channel "email"',
    );
    expect(() => loadAlertsLambdaConfig({ ...process.env, ALERT_ON: 'broken' })).toThrow(
      'ALERT_ON: unknown health "broken"',
    );
  });
});
