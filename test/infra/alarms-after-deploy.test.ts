/**
 * The operator guide's "right after a first deploy" list, checked against the code: the sweep handler runs
 * on the stack's own placeholder credential (dynalite, a Secrets Manager mock), and every alarm of the
 * synthesized template is evaluated the way CloudWatch would on what that leaves behind: the product
 * metrics the sweeps emitted, a Lambda error and an on-failure queue message per sweep that threw, and no
 * other traffic (nothing is registered at Fivetran yet).
 */
import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadLambdaConfig } from '#commons/config/lambda-config';
import { wireSweep } from '#commons/deployed/wire-sweep';
import { type LocalDynamo, startLocalDynamo } from '#commons/local-store/local-dynamo';
import { metrics } from '#commons/observability/metrics';
import { makeSweepHandler } from '../../functions/sweep/index.ts';
import { API_CREDENTIAL_PLACEHOLDER } from '../../infra/constructs/fivetran-secrets.ts';
import { METRIC_NAMESPACE } from '../../infra/product-metrics.ts';
import { lambdaContext } from '../support/lambda-fixture.ts';
import { buildStack, logicalIdOf, resources } from './stack-fixture.ts';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:ApiCredential-AbCdEf';
const secrets = mockClient(SecretsManagerClient);

interface AlarmProperties {
  readonly AlarmName: string;
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions?: { Name: string; Value: unknown }[];
  readonly Threshold: number;
  readonly ComparisonOperator: string;
  readonly TreatMissingData: string;
}

function breaches(value: number, alarm: AlarmProperties): boolean {
  switch (alarm.ComparisonOperator) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= alarm.Threshold;
    case 'GreaterThanThreshold':
      return value > alarm.Threshold;
    case 'LessThanThreshold':
      return value < alarm.Threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= alarm.Threshold;
    default:
      throw new Error(`unknown comparison ${alarm.ComparisonOperator}`);
  }
}

/**
 * The guide's paragraph: the alarms it lists as in ALARM right after a first deploy, and every other alarm
 * name it mentions with the sentence that mentions it.
 */
function guideParagraph(alarmNames: readonly string[]): { inAlarm: string[]; others: Map<string, string> } {
  const guide = readFileSync(new URL('../../docs/operator-guide.md', import.meta.url), 'utf8');
  const paragraph = /Right after a first deploy,[\s\S]*?(?=\n\n)/.exec(guide)?.[0] ?? '';
  const names = (text: string) => [...text.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1] as string);
  const inAlarm = names(/^Right after a first deploy,([^:]*?)are in ALARM/.exec(paragraph)?.[1] ?? '').sort();
  const others = new Map<string, string>();
  for (const sentence of paragraph.split(/(?<=\.)\s/)) {
    for (const name of names(sentence)) {
      if (alarmNames.includes(name) && !inAlarm.includes(name)) others.set(name, sentence);
    }
  }
  return { inAlarm, others };
}

describe('alarms right after a first deploy (credential not filled, webhook not registered)', () => {
  let dynamo: LocalDynamo;
  const saved = { ...process.env };
  const emitted = new Map<string, number>();
  let failedSweeps = 0;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    Object.assign(process.env, {
      TABLE_NAME: dynamo.tableName,
      API_CREDENTIAL_SECRET_ARN: ARN,
      SCHEMA_REQUEST_BUDGET: '5',
      EVENT_RETENTION_DAYS: '30',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    // The value the stack creates the secret with.
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(API_CREDENTIAL_PLACEHOLDER) });
    vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      emitted.set(name, (emitted.get(name) ?? 0) + value);
      return metrics;
    });
    // Two scheduled sweeps, as after half an hour.
    for (let i = 0; i < 2; i++) {
      const handler = makeSweepHandler(() => wireSweep(loadLambdaConfig('sweep')));
      await handler({ source: 'aws.scheduler' }, lambdaContext()).catch(() => {
        failedSweeps += 1;
      });
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    secrets.reset();
    process.env = saved;
    await dynamo.close();
  });

  it('the sweeps say not_configured and throw nothing (no Lambda error, nothing queued)', () => {
    // Assess
    expect(failedSweeps).toBe(0);
    expect(emitted.get('SweepNotConfigured')).toBe(2);
    expect(emitted.has('SweepSucceeded')).toBe(false);
    expect(emitted.has('SweepFailed')).toBe(false);
  });

  it('the guide lists exactly the alarms that are in ALARM', () => {
    // Prepare
    const { template } = buildStack();
    const sweepFunction = logicalIdOf(template, 'AWS::Lambda::Function', 'Sweep');
    const alarms = Object.values(resources(template))
      .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
      .map((r) => r.Properties as unknown as AlarmProperties);

    // Act: each alarm's datapoint, or none.
    const inAlarm = alarms.filter((alarm) => {
      let value: number | undefined;
      if (alarm.Namespace === METRIC_NAMESPACE) value = emitted.get(alarm.MetricName);
      const onSweep = alarm.Dimensions?.some(
        (d) => JSON.stringify(d.Value) === JSON.stringify({ Ref: sweepFunction }),
      );
      if (alarm.Namespace === 'AWS/Lambda' && onSweep)
        value = alarm.MetricName === 'Errors' ? failedSweeps : 0;
      // The failed-work queue receives a message per failed asynchronous sweep, nothing else here.
      if (alarm.Namespace === 'AWS/SQS') value = failedSweeps;
      return value === undefined ? alarm.TreatMissingData === 'breaching' : breaches(value, alarm);
    });
    const names = inAlarm.map((alarm) => alarm.AlarmName.replace(/^FivetranMetadata-/, '')).sort();

    // Assess
    expect(alarms.length).toBeGreaterThan(8);
    expect(names).toEqual(['sweep-missing', 'webhook-silent']);
    const guide = guideParagraph(alarms.map((alarm) => alarm.AlarmName.replace(/^FivetranMetadata-/, '')));
    expect(guide.inAlarm).toEqual(names);
    // Any other alarm the paragraph names, it says stays OK.
    for (const [name, sentence] of guide.others) expect(sentence, name).toMatch(/stay OK/);
  });
});
