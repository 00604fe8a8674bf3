import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULER_RETRY_ATTEMPTS } from '../../infra/constructs/sweep-schedule.ts';
import { buildStack, logicalIdOf, propertiesOf, resources } from './stack-fixture.ts';

/** The sweep's schedule (the alerts function has its own, see alert-delivery.test.ts). */
function scheduleProps(template: Template): Record<string, unknown> {
  const sweep = logicalIdOf(template, 'AWS::Lambda::Function', 'Sweep');
  const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')).filter((s) =>
    JSON.stringify(s.Properties?.Target?.Arn).includes(sweep),
  );
  expect(schedules).toHaveLength(1);
  return schedules[0]?.Properties ?? {};
}

describe('Sweep schedule', () => {
  let template: Template;
  beforeAll(() => {
    template = buildStack().template;
  });

  it('invokes the sweep every 15 minutes by default, with retries and a dead-letter queue', () => {
    // Prepare
    const sweep = logicalIdOf(template, 'AWS::Lambda::Function', 'Sweep');
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', 'FailedWork');

    // Act
    const props = scheduleProps(template);

    // Assess
    expect(props).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [sweep, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: SCHEDULER_RETRY_ATTEMPTS, MaximumEventAgeInSeconds: 900 },
      },
    });
  });

  it('follows the sweepRateMinutes context option', () => {
    // Prepare / Act
    const props = scheduleProps(buildStack({ sweepRateMinutes: '60' }).template);

    // Assess
    expect(props.ScheduleExpression).toBe('rate(1 hour)');
    expect((props.Target as { RetryPolicy: unknown }).RetryPolicy).toEqual({
      MaximumRetryAttempts: SCHEDULER_RETRY_ATTEMPTS,
      MaximumEventAgeInSeconds: 3600,
    });
  });

  it('runs the schedule under a role that Scheduler in this account alone can assume, to invoke only the sweep', () => {
    // Prepare
    const roleId = (scheduleProps(template).Target as { RoleArn: { 'Fn::GetAtt': [string] } }).RoleArn[
      'Fn::GetAtt'
    ][0];
    const all = resources(template);
    const sweep = logicalIdOf(template, 'AWS::Lambda::Function', 'Sweep');

    // Act
    const trust = propertiesOf(template, roleId).AssumeRolePolicyDocument as {
      Statement: Record<string, unknown>[];
    };
    const policy = Object.values(all).find(
      (r) =>
        r.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
    );
    if (!policy) throw new Error('the schedule role has no policy');
    const statements = (
      policy.Properties.PolicyDocument as { Statement: { Action: string; Resource: unknown }[] }
    ).Statement;

    // Assess
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    const invoke = statements.find((s) => s.Action === 'lambda:InvokeFunction');
    expect(JSON.stringify(invoke?.Resource)).toContain(sweep);
    expect(statements.flatMap((s) => s.Action)).toEqual(
      expect.arrayContaining(['lambda:InvokeFunction', 'sqs:SendMessage']),
    );
  });
});

describe('Health alerts', () => {
  it('forwards health-change events from the default bus to an encrypted topic when alertEmail is set', () => {
    // Prepare
    const { template } = buildStack({ alertEmail: 'data@example.com' });
    const topic = logicalIdOf(template, 'AWS::SNS::Topic', 'HealthAlertsTopic');
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', 'FailedWork');

    // Act
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => r.Properties);

    // Assess
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      EventBusName: 'default',
      EventPattern: { source: ['fivetran-metadata'], 'detail-type': ['Connection Health Changed'] },
      State: 'ENABLED',
      Targets: [
        expect.objectContaining({
          Arn: { Ref: topic },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
        }),
      ],
    });
  });

  it('creates neither rule nor alert topic without alertEmail', () => {
    // Prepare / Act
    const { template } = buildStack();

    // Assess
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::SNS::Topic', 1);
  });
});
