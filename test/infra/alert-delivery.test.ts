import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALERT_OVERDUE_SECONDS, ALERT_SECRET_PLACEHOLDER } from '../../infra/constructs/alert-delivery.ts';
import { TABLE_ACTIONS } from '../../infra/table-access.ts';
import {
  actionsOf,
  buildStack,
  logicalIdOf,
  propertiesOf,
  resources,
  roleStatements,
  statementsGranting,
} from './stack-fixture.ts';

function variables(template: Template, prefix: string): Record<string, unknown> {
  const props = propertiesOf(template, logicalIdOf(template, 'AWS::Lambda::Function', prefix));
  return (props.Environment as { Variables: Record<string, unknown> }).Variables;
}

function alertSchedule(template: Template): Record<string, unknown> {
  const fn = logicalIdOf(template, 'AWS::Lambda::Function', 'AlertsFunction');
  const found = Object.values(template.findResources('AWS::Scheduler::Schedule')).filter((s) =>
    JSON.stringify(s.Properties?.Target?.Arn).includes(fn),
  );
  expect(found).toHaveLength(1);
  return found[0]?.Properties ?? {};
}

describe('Alert delivery (Slack, Teams, PagerDuty), on by default', () => {
  let template: Template;
  beforeAll(() => {
    template = buildStack().template;
  });

  it('runs the alerts function every minute, exactly, with failures kept in the failed-work queue', () => {
    // Prepare
    const fn = logicalIdOf(template, 'AWS::Lambda::Function', 'AlertsFunction');
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', 'FailedWork');

    // Act
    const schedule = alertSchedule(template);

    // Assess
    expect(schedule).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fn },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    const roleId = (schedule.Target as { RoleArn: { 'Fn::GetAtt': [string] } }).RoleArn['Fn::GetAtt'][0];
    const trust = JSON.stringify(propertiesOf(template, roleId).AssumeRolePolicyDocument);
    expect(trust).toContain('scheduler.amazonaws.com');
    expect(trust).toContain('aws:SourceAccount');
  });

  it('creates the one channel secret empty, with a value that never changes', () => {
    // Prepare
    const id = logicalIdOf(template, 'AWS::SecretsManager::Secret', 'AlertsChannelSecret');

    // Act
    const secret = propertiesOf(template, id);

    // Assess: a changed template value would overwrite what the operator put in.
    expect(ALERT_SECRET_PLACEHOLDER).toEqual({
      SLACK_WEBHOOK_URL: '',
      TEAMS_WEBHOOK_URL: '',
      PAGERDUTY_ROUTING_KEY: '',
    });
    expect(JSON.parse(String(secret.SecretString))).toEqual(ALERT_SECRET_PLACEHOLDER);
    expect(secret.GenerateSecretString).toBeUndefined();
  });

  it('lets only the alerts function read the channel secret, with exactly its table actions and no events', () => {
    // Prepare
    const secret = logicalIdOf(template, 'AWS::SecretsManager::Secret', 'AlertsChannelSecret');
    const statements = roleStatements(template, 'AlertsFunction');
    const readers = ['Webhook', 'Api', 'Sweep', 'AlertsFunction'].filter((fn) =>
      statementsGranting(roleStatements(template, fn), 'secretsmanager:GetSecretValue').some((s) =>
        JSON.stringify(s.Resource).includes(secret),
      ),
    );

    // Act
    const tableActions = statements
      .filter((s) => JSON.stringify(s.Resource).includes('Table'))
      .flatMap(actionsOf)
      .sort();

    // Assess
    expect(readers).toEqual(['AlertsFunction']);
    expect(tableActions).toEqual([...TABLE_ACTIONS.alerts].sort());
    expect(statementsGranting(statements, 'events:PutEvents')).toEqual([]);
    expect(statementsGranting(statements, 'dynamodb:Scan')).toEqual([]);
  });

  it('tells the writers that alerts are on, and the alerts function its secret and channels', () => {
    // Prepare
    const secret = logicalIdOf(template, 'AWS::SecretsManager::Secret', 'AlertsChannelSecret');

    // Act
    const [webhook, sweep, alerts] = ['Webhook', 'Sweep', 'AlertsFunction'].map((fn) =>
      variables(template, fn),
    );

    // Assess
    expect(webhook?.ALERT_CHANNELS).toBe('slack,teams,pagerduty');
    expect(sweep?.ALERT_CHANNELS).toBe('slack,teams,pagerduty');
    expect(alerts).toMatchObject({
      ALERT_SECRET_ARN: { Ref: secret },
      ALERT_CHANNELS: 'slack,teams,pagerduty',
    });
    expect(variables(template, 'Api').ALERT_CHANNELS).toBeUndefined();
  });

  it('alarms on messages given up on, on an overdue message, on a misconfigured secret and on failures', () => {
    // Prepare / Act
    const byName = new Map(
      Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => [
        String(a.Properties.AlarmName).replace('FivetranMetadata-', ''),
        a.Properties as Record<string, unknown>,
      ]),
    );

    // Assess
    expect(byName.get('alerts-dead')).toMatchObject({
      MetricName: 'AlertsDead',
      Statistic: 'Sum',
      Threshold: 1,
    });
    expect(byName.get('alerts-overdue')).toMatchObject({
      MetricName: 'AlertOldestPendingSeconds',
      Statistic: 'Maximum',
      Threshold: ALERT_OVERDUE_SECONDS,
    });
    expect(byName.get('alerts-misconfigured')).toMatchObject({ MetricName: 'AlertsMisconfigured' });
    expect(byName.get('alerts-errors')).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda' });
  });
});

describe('Alert options (-c alertChannels=, -c alert…)', () => {
  it('with alertChannels=none creates no alerts function, secret, schedule or output, and the writers keep nothing', () => {
    // Prepare / Act
    const { template } = buildStack({ alertChannels: 'none' });

    // Assess
    template.resourceCountIs('AWS::Lambda::Function', 3);
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    expect(Object.keys(resources(template)).filter((id) => id.startsWith('Alerts'))).toEqual([]);
    expect(Object.keys(template.toJSON().Outputs as object)).not.toContain('AlertSecretArn');
    expect(variables(template, 'Webhook').ALERT_CHANNELS).toBeUndefined();
    expect(variables(template, 'Sweep').ALERT_CHANNELS).toBeUndefined();
  });

  it('enables only the channels listed, and passes the other settings to the alerts function only', () => {
    // Prepare / Act
    const { template } = buildStack({
      alertChannels: 'PagerDuty, slack',
      alertOn: 'failing,delayed',
      alertQuietMinutes: 15,
      alertDigestAt: '09:00 Europe/Paris',
      alertGroups: ['lunar_otter', 'deck_enjoy'],
    });

    // Assess
    expect(variables(template, 'AlertsFunction')).toMatchObject({
      ALERT_CHANNELS: 'slack,pagerduty',
      ALERT_ON: 'failing,delayed',
      ALERT_QUIET_MINUTES: '15',
      ALERT_DIGEST_AT: '09:00 Europe/Paris',
      ALERT_GROUPS: 'lunar_otter,deck_enjoy',
    });
    expect(variables(template, 'Webhook').ALERT_CHANNELS).toBe('slack,pagerduty');
    expect(variables(template, 'Webhook').ALERT_ON).toBeUndefined();
  });

  it.each([
    [
      { alertChannels: 'slack,email' },
      /^invalid CDK context "alertChannels": a comma list of slack, teams, pagerduty, or none/,
    ],
    [{ alertOn: 'broken' }, /^invalid CDK context "alertOn": ALERT_ON: unknown health "broken"/],
    [
      { alertQuietMinutes: '0' },
      /^invalid CDK context "alertQuietMinutes": ALERT_QUIET_MINUTES must be between 1 and 1440/,
    ],
    [{ alertDigestAt: '25:00' }, /^invalid CDK context "alertDigestAt": ALERT_DIGEST_AT must be HH:MM/],
  ])('rejects %o at synth, naming the option', (context, message) => {
    expect(() => buildStack(context)).toThrow(message);
  });
});
