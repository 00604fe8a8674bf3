import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_CHANGE_DETAIL_TYPE as CORE_SCHEMA_CHANGE } from '#commons/alerts/schema-change-events';
import { LineageMetric } from '#commons/observability/metric-names';
import { SCHEMA_CHANGE_DETAIL_TYPE } from '../../infra/constructs/health-alerts.ts';
import {
  LINEAGE_ITEM_PREFIX,
  OLDEST_UNDELIVERED_ALARM_SECONDS,
} from '../../infra/constructs/lineage-delivery.ts';
import { readStackOptions } from '../../infra/stack-options.ts';
import {
  actionsOf,
  buildStack,
  logicalIdOf,
  propertiesOf,
  resources,
  roleStatements,
  statementsGranting,
} from './stack-fixture.ts';

const URL = 'https://marquez.example/api/v1/lineage';

const envOf = (template: Template, prefix: string) =>
  (
    propertiesOf(template, logicalIdOf(template, 'AWS::Lambda::Function', prefix)).Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;

describe('OpenLineage delivery in the stack', () => {
  let template: Template;
  beforeAll(() => {
    template = buildStack({ openLineageUrl: URL, openLineageNamespace: 'fivetran-prod' }).template;
  });

  it('is not deployed without an endpoint, and tells the webhook and the sweep nothing then', () => {
    // Prepare / Act
    const plain = buildStack().template;

    // Assess
    expect(
      Object.keys(plain.findResources('AWS::Lambda::Function')).some((id) => id.startsWith('Lineage')),
    ).toBe(false);
    expect(envOf(plain, 'Webhook')).not.toHaveProperty('OPENLINEAGE_URL');
    expect(envOf(plain, 'Sweep')).not.toHaveProperty('OPENLINEAGE_URL');
  });

  it('gives the webhook the endpoint and namespace, the sweep the endpoint only, and nobody the key', () => {
    // Act
    const webhook = envOf(template, 'Webhook');
    const sweep = envOf(template, 'Sweep');
    const deliverer = envOf(template, 'LineageDeliverer');

    // Assess
    expect(webhook).toMatchObject({ OPENLINEAGE_URL: URL, OPENLINEAGE_NAMESPACE: 'fivetran-prod' });
    expect(sweep).toMatchObject({ OPENLINEAGE_URL: URL });
    expect(sweep).not.toHaveProperty('OPENLINEAGE_NAMESPACE');
    expect(deliverer).toMatchObject({ OPENLINEAGE_URL: URL, OPENLINEAGE_NAMESPACE: 'fivetran-prod' });
    expect(deliverer).toHaveProperty('OPENLINEAGE_API_KEY_SECRET_ARN');
    for (const env of [webhook, sweep, deliverer]) expect(env).not.toHaveProperty('OPENLINEAGE_API_KEY');
  });

  it('creates the key secret empty, readable by the deliverer alone', () => {
    // Prepare
    const secretId = Object.keys(template.findResources('AWS::SecretsManager::Secret')).find((id) =>
      id.startsWith('LineageApiKey'),
    );
    const readers = ['Webhook', 'Api', 'Sweep', 'LineageDeliverer'].filter((fn) =>
      statementsGranting(roleStatements(template, fn), 'secretsmanager:GetSecretValue').some((s) =>
        JSON.stringify(s.Resource).includes(secretId as string),
      ),
    );

    // Assess
    expect(JSON.parse(String(propertiesOf(template, secretId as string).SecretString))).toEqual({
      apiKey: '',
    });
    expect(readers).toEqual(['LineageDeliverer']);
  });

  it('lets the deliverer query the indexes and update only outbox items: no get, put or delete', () => {
    // Prepare
    const statements = roleStatements(template, 'LineageDeliverer');
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));

    // Act
    const update = statementsGranting(statements, 'dynamodb:UpdateItem');
    const query = statementsGranting(statements, 'dynamodb:Query');

    // Assess
    expect(dynamo.flatMap(actionsOf).sort()).toEqual(['dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(update[0]?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${LINEAGE_ITEM_PREFIX}*`] },
    });
    expect(JSON.stringify(update[0]?.Resource)).not.toContain('/index/');
    expect(JSON.stringify(query[0]?.Resource)).toContain('/index/*');
  });

  it('runs the deliverer every minute through its own Scheduler role, failed deliveries to the queue', () => {
    // Prepare
    const schedules = Object.entries(resources(template)).filter(
      ([id, r]) => r.Type === 'AWS::Scheduler::Schedule' && id.startsWith('Lineage'),
    );
    const [, schedule] = schedules[0] ?? [];
    const target = schedule?.Properties.Target as {
      Arn: unknown;
      DeadLetterConfig?: unknown;
      RetryPolicy?: unknown;
    };

    // Assess
    expect(schedules).toHaveLength(1);
    expect(schedule?.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(JSON.stringify(target.Arn)).toContain('LineageDeliverer');
    expect(target.DeadLetterConfig).toBeDefined();
  });

  it('alarms on the oldest undelivered event, also when the deliverer stops reporting', () => {
    // Prepare
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as Record<string, unknown>,
    );

    // Act
    const oldest = alarms.find((a) => a.MetricName === LineageMetric.OldestUndeliveredAgeSeconds);
    const errors = alarms.find(
      (a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes('LineageDeliverer'),
    );

    // Assess
    expect(oldest).toMatchObject({
      Threshold: OLDEST_UNDELIVERED_ALARM_SECONDS,
      Statistic: 'Maximum',
      TreatMissingData: 'breaching',
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(oldest?.AlarmActions).toHaveLength(1);
    expect(errors).toBeDefined();
  });

  it('names the schema-change event as the sweep publishes it', () => {
    expect(SCHEMA_CHANGE_DETAIL_TYPE).toBe(CORE_SCHEMA_CHANGE);
  });

  it.each([
    [{ openLineageUrl: 'http://marquez.example/api/v1/lineage' }, /openLineageUrl.*https/],
    [{ openLineageUrl: 'https://user:pw@marquez.example/x' }, /openLineageUrl.*credentials/],
    [{ openLineageNamespace: 'prod' }, /openLineageNamespace.*openLineageUrl/],
  ])('refuses %j', (context, message) => {
    expect(() => buildStack(context)).toThrow(message);
  });

  it('reads the endpoint from context', () => {
    // Prepare / Act
    const { app } = buildStack({ openLineageUrl: URL });

    // Assess
    expect(readStackOptions(app.node).openLineage).toEqual({ url: URL, namespace: undefined });
  });
});
