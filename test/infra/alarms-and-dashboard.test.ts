import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlertMetric } from '../../functions/commons/alerts/alert-metrics.ts';
import { SIGNATURE_INVALID_SPIKE } from '../../infra/constructs/operational-alarms.ts';
import { ALERT_METRIC_NAMES, LINEAGE_METRIC_NAMES, METRIC_NAMES } from '../../infra/product-metrics.ts';
import { buildStack, logicalIdOf, STACK_ID } from './stack-fixture.ts';

interface AlarmProps {
  readonly AlarmName: string;
  readonly Namespace: string;
  readonly MetricName: string;
  readonly Dimensions?: { Name: string; Value: unknown }[];
  readonly Statistic: string;
  readonly Period: number;
  readonly EvaluationPeriods: number;
  readonly Threshold: number;
  readonly ComparisonOperator: string;
  readonly TreatMissingData: string;
  readonly AlarmActions: unknown[];
  readonly OKActions: unknown[];
}

function alarms(template: Template): Map<string, AlarmProps> {
  const byName = new Map<string, AlarmProps>();
  for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
    const props = alarm.Properties as AlarmProps;
    byName.set(props.AlarmName.replace(`${STACK_ID}-`, ''), props);
  }
  return byName;
}

const PRODUCT = {
  Namespace: 'FivetranMetadata',
  Dimensions: [{ Name: 'service', Value: 'fivetran-metadata' }],
};

describe('Alarms', () => {
  let template: Template;
  let byName: Map<string, AlarmProps>;
  beforeAll(() => {
    template = buildStack().template;
    byName = alarms(template);
  });

  it('has exactly the planned alarms, each notifying the alarm topic on ALARM and on OK', () => {
    // Prepare
    const topic = { Ref: logicalIdOf(template, 'AWS::SNS::Topic', 'AlarmTopic') };

    // Act
    const names = [...byName.keys()].sort();

    // Assess
    expect(names).toEqual(
      [
        'api-errors',
        'api-throttles',
        'webhook-errors',
        'webhook-throttles',
        'sweep-errors',
        'sweep-throttles',
        'api-5xx',
        'sweep-missing',
        'webhook-silent',
        'event-quarantined',
        'signature-invalid-spike',
        'failed-work-queued',
        'alerts-dead',
        'alerts-overdue',
        'alerts-misconfigured',
        'alerts-errors',
        'alerts-throttles',
      ].sort(),
    );
    for (const props of byName.values()) {
      expect(props.AlarmActions).toEqual([topic]);
      expect(props.OKActions).toEqual([topic]);
    }
  });

  it('watches errors and throttles of each function', () => {
    for (const fn of ['Webhook', 'Api', 'Sweep', 'Alerts']) {
      // Prepare
      const functionRef = { Ref: logicalIdOf(template, 'AWS::Lambda::Function', fn) };

      // Act
      const errors = byName.get(`${fn.toLowerCase()}-errors`);
      const throttles = byName.get(`${fn.toLowerCase()}-throttles`);

      // Assess
      for (const [alarm, metric] of [
        [errors, 'Errors'],
        [throttles, 'Throttles'],
      ] as const) {
        expect(alarm).toMatchObject({
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: functionRef }],
          Statistic: 'Sum',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it('fires when no sweep succeeded for two sweep intervals, counting silence as failure', () => {
    // Prepare / Act
    const fifteen = byName.get('sweep-missing');
    const hourly = alarms(buildStack({ sweepRateMinutes: '60' }).template).get('sweep-missing');

    // Assess
    expect(fifteen).toMatchObject({
      ...PRODUCT,
      MetricName: 'SweepSucceeded',
      Statistic: 'Sum',
      Period: 900,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(hourly).toMatchObject({ Period: 3600, EvaluationPeriods: 2 });
  });

  it('fires when no webhook event was stored for N hours (6 by default, from context)', () => {
    // Prepare / Act
    const byDefault = byName.get('webhook-silent');
    const custom = alarms(buildStack({ webhookSilenceHours: 12 }).template).get('webhook-silent');

    // Assess
    expect(byDefault).toMatchObject({
      ...PRODUCT,
      MetricName: 'EventStored',
      Period: 3600,
      EvaluationPeriods: 6,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(custom?.EvaluationPeriods).toBe(12);
  });

  it('fires on any quarantined event and on a spike of invalid signatures', () => {
    expect(byName.get('event-quarantined')).toMatchObject({
      ...PRODUCT,
      MetricName: 'EventQuarantined',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(byName.get('signature-invalid-spike')).toMatchObject({
      ...PRODUCT,
      MetricName: 'SignatureInvalid',
      Period: 300,
      Threshold: SIGNATURE_INVALID_SPIKE,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('fires on API Gateway 5xx on the stage and on any message in the failed-work queue', () => {
    // Prepare
    const queueName = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::SQS::Queue', 'FailedWork'), 'QueueName'] };

    // Act / Assess
    expect(byName.get('api-5xx')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Dimensions: [
        { Name: 'ApiName', Value: STACK_ID },
        {
          Name: 'Stage',
          Value: { Ref: logicalIdOf(template, 'AWS::ApiGateway::Stage', 'HttpApiDeploymentStage') },
        },
      ],
      Statistic: 'Sum',
      Threshold: 1,
    });
    expect(byName.get('failed-work-queued')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: queueName }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('are each explained in the operator guide, as are all stack outputs', () => {
    // Prepare
    const guide = readFileSync(new URL('../../docs/operator-guide.md', import.meta.url), 'utf8');
    const outputs = Object.keys(template.toJSON().Outputs as object);

    // Act
    const missing = [
      ...[...byName.keys()].map((name) => `\`${name}\``),
      ...outputs.map((o) => `\`${o}\``),
    ].filter((needle) => !guide.includes(needle));

    // Assess
    expect(missing).toEqual([]);
  });

  it('reads only product metric names that the functions publish', () => {
    // Prepare / Act
    const productAlarms = [...byName.values()].filter((a) => a.Namespace === 'FivetranMetadata');

    // Assess
    expect(productAlarms.length).toBe(7);
    for (const alarm of productAlarms)
      expect([...METRIC_NAMES, ...Object.values(AlertMetric)]).toContain(alarm.MetricName);
  });
});

describe('Dashboard', () => {
  it('shows every product metric, the alarms, and is linked from the outputs', () => {
    // Prepare
    const { template } = buildStack();
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Act
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);

    // Assess
    expect(dashboard?.Properties.DashboardName).toBe(STACK_ID);
    for (const name of METRIC_NAMES) expect(body).toContain(`\\"${name}\\"`);
    expect(body).toContain('alarm');
    expect(JSON.stringify(outputs.DashboardUrl?.Value)).toContain('#dashboards:name=');
  });

  it('graphs the alerts function and the lineage deliverer where they are deployed, and shows their alarms', () => {
    // Prepare
    const bodyOf = (template: Template) =>
      JSON.stringify(
        Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties.DashboardBody,
      );
    const withLineage = buildStack({ openLineageUrl: 'https://marquez.example/api/v1/lineage' }).template;

    // Act
    const body = bodyOf(withLineage);
    const withoutOptions = bodyOf(buildStack({ alertChannels: 'none' }).template);

    // Assess
    for (const name of [...ALERT_METRIC_NAMES, ...LINEAGE_METRIC_NAMES])
      expect(body).toContain(`\\"${name}\\"`);
    // The alarm widget names every alarm of the stack (by its logical id, CloudFormation fills in the ARN).
    for (const alarm of Object.keys(withLineage.findResources('AWS::CloudWatch::Alarm')))
      expect(body).toContain(alarm);
    expect(body).toContain(logicalIdOf(withLineage, 'AWS::Lambda::Function', 'Alerts'));
    for (const name of [...ALERT_METRIC_NAMES, ...LINEAGE_METRIC_NAMES])
      expect(withoutOptions).not.toContain(`\\"${name}\\"`);
  });
});
