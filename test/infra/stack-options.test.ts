import { readFileSync } from 'node:fs';
import { App, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, readStackOptions } from '../../infra/stack-options.ts';

const read = (context: Record<string, unknown>) => readStackOptions(new App({ context }).node);

describe('readStackOptions', () => {
  it('has a safe default for every option', () => {
    // Prepare / Act
    const options = read({});

    // Assess
    expect(options).toEqual({
      stackName: 'FivetranMetadata',
      stage: 'prod',
      sweepRateMinutes: 15,
      alarmEmail: undefined,
      alertEmail: undefined,
      logRetention: RetentionDays.ONE_MONTH,
      eventRetentionDays: 90,
      schemaRequestBudget: 200,
      tableRemovalPolicy: RemovalPolicy.RETAIN,
      reservedConcurrency: false,
      webhookSilenceHours: 6,
      apiExecutionLogging: false,
      accessLogging: false,
      apiGatewayCloudWatchRole: false,
      webhookRateLimit: undefined,
      controlTower: false,
      account: undefined,
      lambdaVpc: undefined,
      alerts: { channels: ['slack', 'teams', 'pagerduty'], environment: {} },
    });
  });

  it('accepts command-line strings (-c key=value) and cdk.json values alike', () => {
    // Prepare
    const fromCli = {
      stackName: 'FivetranMetadata-staging',
      stage: 'staging',
      sweepRateMinutes: '30',
      alarmEmail: 'ops@example.com',
      alertEmail: 'data@example.com',
      logRetentionDays: '365',
      eventRetentionDays: '30',
      schemaRequestBudget: '0',
      tableRemovalPolicy: 'destroy',
      reservedConcurrency: 'true',
      webhookSilenceHours: '12',
      apiExecutionLogging: 'true',
      accessLogging: 'true',
      apiGatewayCloudWatchRole: 'true',
      webhookRateLimit: '2000',
      controlTower: 'true',
      account: '123456789012',
      lambdaSubnetIds: 'subnet-0123456789abcdef0, subnet-0123456789abcdef1',
      lambdaSecurityGroupIds: 'sg-0123456789abcdef0',
    };
    const fromJson = {
      ...fromCli,
      sweepRateMinutes: 30,
      logRetentionDays: 365,
      eventRetentionDays: 30,
      schemaRequestBudget: 0,
      reservedConcurrency: true,
      webhookSilenceHours: 12,
      apiExecutionLogging: true,
      accessLogging: true,
      apiGatewayCloudWatchRole: true,
      webhookRateLimit: 2000,
      controlTower: true,
      lambdaSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      lambdaSecurityGroupIds: ['sg-0123456789abcdef0'],
    };

    // Act
    const [cli, json] = [read(fromCli), read(fromJson)];

    // Assess
    expect(cli).toEqual(json);
    expect(cli).toMatchObject({
      sweepRateMinutes: 30,
      logRetention: RetentionDays.ONE_YEAR,
      tableRemovalPolicy: RemovalPolicy.DESTROY,
      reservedConcurrency: true,
      apiExecutionLogging: true,
      webhookRateLimit: 2000,
      lambdaVpc: {
        subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        securityGroupIds: ['sg-0123456789abcdef0'],
      },
    });
  });

  it('treats an empty value as unset', () => {
    expect(read({ alarmEmail: '', sweepRateMinutes: '' })).toMatchObject({
      alarmEmail: undefined,
      sweepRateMinutes: 15,
    });
  });

  it.each([
    ['sweepRateMinutes', 'abc'],
    ['sweepRateMinutes', '4'],
    ['sweepRateMinutes', '721'],
    ['logRetentionDays', '42'],
    ['alarmEmail', 'not-an-email'],
    ['tableRemovalPolicy', 'snapshot'],
    ['reservedConcurrency', 'yes'],
    ['webhookSilenceHours', '25'],
    ['eventRetentionDays', '0'],
    ['stage', 'has space'],
    ['stackName', '1-starts-with-digit'],
    ['webhookRateLimit', '9'],
    ['webhookRateLimit', 'lots'],
    ['account', '12345'],
    ['lambdaSubnetIds', 'subnet-nothex!'],
    ['lambdaSecurityGroupIds', 'subnet-0123456789abcdef0'],
  ])('rejects %s=%s with a message naming the option', (key, value) => {
    const context =
      key === 'lambdaSubnetIds'
        ? { lambdaSubnetIds: value, lambdaSecurityGroupIds: 'sg-0123456789abcdef0' }
        : key === 'lambdaSecurityGroupIds'
          ? { lambdaSubnetIds: 'subnet-0123456789abcdef0', lambdaSecurityGroupIds: value }
          : { [key]: value };
    expect(() => read(context)).toThrow(new RegExp(`^invalid CDK context "${key}": .*\\(got "${value}"\\)$`));
  });

  it('takes subnets and security groups only together', () => {
    expect(() => read({ lambdaSubnetIds: 'subnet-0123456789abcdef0' })).toThrow(
      /^invalid CDK context "lambdaSecurityGroupIds": lambdaSubnetIds and lambdaSecurityGroupIds go together/,
    );
    expect(() => read({ lambdaSecurityGroupIds: 'sg-0123456789abcdef0' })).toThrow(
      /^invalid CDK context "lambdaSubnetIds": /,
    );
  });

  it('with controlTower: needs the account, keeps logs a year by default, logs execution, refuses less', () => {
    // Prepare / Act
    const options = read({ controlTower: 'true', account: '123456789012' });
    const longer = read({ controlTower: 'true', account: '123456789012', logRetentionDays: '731' });

    // Assess
    expect(options).toMatchObject({
      controlTower: true,
      account: '123456789012',
      logRetention: RetentionDays.ONE_YEAR,
      apiExecutionLogging: true,
    });
    expect(longer.logRetention).toBe(RetentionDays.TWO_YEARS);
    expect(() => read({ controlTower: 'true' })).toThrow(
      /^invalid CDK context "account": controlTower=true needs the target account id .*\(got undefined\)$/,
    );
    expect(() => read({ controlTower: 'true', account: '123456789012', logRetentionDays: '90' })).toThrow(
      /^invalid CDK context "logRetentionDays": controlTower=true keeps logs at least 365 days .*\(got "90"\)$/,
    );
  });

  it('reads exactly the options the operator guide documents', () => {
    // Prepare
    const guide = readFileSync(new URL('../../docs/operator-guide.md', import.meta.url), 'utf8');
    const table = guide.slice(guide.indexOf('| context key')).split('\n\n')[0] ?? '';
    const documented = [...table.matchAll(/^\| `([A-Za-z]+)` +\|/gm)].map((m) => m[1]);

    // Act / Assess: every key read is in the guide's context table, and the table lists no other.
    expect([...documented].sort()).toEqual([...CONTEXT_KEYS].sort());
  });
});
