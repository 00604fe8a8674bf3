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
  ])('rejects %s=%s with a message naming the option', (key, value) => {
    expect(() => read({ [key]: value })).toThrow(
      new RegExp(`^invalid CDK context "${key}": .*\\(got "${value}"\\)$`),
    );
  });

  it('reads exactly the options the operator guide documents', () => {
    // Prepare
    const guide = readFileSync(new URL('../../docs/operator-guide.md', import.meta.url), 'utf8');
    const documented = [...guide.matchAll(/^\| `([A-Za-z]+)` +\|/gm)].map((m) => m[1]);

    // Act / Assess: every key read is in the guide's context table, and the table lists no other.
    expect([...documented].sort()).toEqual([...CONTEXT_KEYS].sort());
  });
});
