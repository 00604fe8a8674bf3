import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { VPC_ACCESS_ACTIONS } from '../../infra/constructs/house-function.ts';
import { RESERVED_CONCURRENCY } from '../../infra/fivetran-metadata-stack.ts';
import { TABLE_ACTIONS } from '../../infra/table-access.ts';
import {
  actionsOf,
  buildStack,
  logicalIdOf,
  resources,
  roleStatements,
  type Statement,
  statementsGranting,
} from './stack-fixture.ts';

const FUNCTIONS = ['Webhook', 'Api', 'Sweep', 'AlertsFunction'] as const;

function functionProps(template: Template, prefix: string): Record<string, unknown> {
  return resources(template)[logicalIdOf(template, 'AWS::Lambda::Function', prefix)]?.Properties ?? {};
}

function environment(template: Template, prefix: string): Record<string, unknown> {
  return (functionProps(template, prefix).Environment as { Variables: Record<string, unknown> }).Variables;
}

/** The logical ids a statement's resources refer to (Ref or Fn::GetAtt), for "which resource" checks. */
function referencedIds(statement: Statement): string[] {
  return (
    JSON.stringify(statement.Resource)
      .match(/"(?:Ref|Fn::GetAtt)":\[?"([A-Za-z0-9]+)"/g)
      ?.map((m) => m.replace(/^.*"([A-Za-z0-9]+)"$/, '$1')) ?? []
  );
}

describe('Lambda functions', () => {
  let template: Template;
  beforeAll(() => {
    template = buildStack().template;
  });

  it('runs every function on nodejs24.x, ARM64, no active tracing, with source maps and Powertools configured', () => {
    // Prepare / Act
    const all = FUNCTIONS.map((name) => functionProps(template, name));

    // Assess
    template.resourceCountIs('AWS::Lambda::Function', 4);
    for (const props of all) {
      // Tracing is off: nothing in the functions would emit traces (see HouseFunction).
      expect(props.TracingConfig).toBeUndefined();
      expect(props).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: {
          Variables: {
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_LOGGER_LOG_EVENT: 'false',
            POWERTOOLS_SERVICE_NAME: 'fivetran-metadata',
            POWERTOOLS_METRICS_NAMESPACE: 'FivetranMetadata',
          },
        },
      });
      expect(props.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('gives each function a deliberate timeout and memory size', () => {
    // Prepare / Act
    const settings = Object.fromEntries(
      FUNCTIONS.map((name) => {
        const props = functionProps(template, name);
        return [name, { timeout: props.Timeout, memory: props.MemorySize }];
      }),
    );

    // Assess: the webhook answers within Fivetran's 10 s; the sweep may use Lambda's full 15 min.
    expect(settings).toEqual({
      Webhook: { timeout: 10, memory: 512 },
      Api: { timeout: 10, memory: 512 },
      Sweep: { timeout: 900, memory: 512 },
      // Under its one-minute schedule.
      AlertsFunction: { timeout: 55, memory: 256 },
    });
  });

  it('logs each function to its own log group with the configured retention', () => {
    // Prepare
    const custom = buildStack({ logRetentionDays: '90' }).template;

    // Act / Assess
    for (const [tpl, days] of [
      [template, 30],
      [custom, 90],
    ] as const) {
      for (const name of FUNCTIONS) {
        const logGroupId = logicalIdOf(tpl, 'AWS::Logs::LogGroup', `${name}Logs`);
        expect(functionProps(tpl, name).LoggingConfig).toEqual({ LogGroup: { Ref: logGroupId } });
        expect(resources(tpl)[logicalIdOf(tpl, 'AWS::Logs::LogGroup', `${name}Logs`)]?.Properties).toEqual({
          RetentionInDays: days,
        });
      }
    }
  });

  it('passes each function only the settings it reads', () => {
    // Prepare
    const table = { Ref: logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', 'Table') };
    const credential = { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'SecretsApiCredential') };
    const signing = {
      Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'SecretsWebhookSigningSecret'),
    };
    const sweep = { Ref: logicalIdOf(template, 'AWS::Lambda::Function', 'Sweep') };
    const powertools = [
      'NODE_OPTIONS',
      'POWERTOOLS_LOGGER_LOG_EVENT',
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
    ];
    const own = (name: string) =>
      Object.fromEntries(
        Object.entries(environment(template, name)).filter(([key]) => !powertools.includes(key)),
      );

    // Act / Assess
    const alertSecret = { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', 'AlertsChannelSecret') };
    expect(own('Webhook')).toEqual({
      TABLE_NAME: table,
      WEBHOOK_SECRET_ARN: signing,
      EVENT_RETENTION_DAYS: '90',
      ALERT_CHANNELS: 'slack,teams,pagerduty',
    });
    expect(own('Api')).toEqual({ TABLE_NAME: table, SWEEP_FUNCTION_NAME: sweep, EVENT_RETENTION_DAYS: '90' });
    expect(own('Sweep')).toEqual({
      TABLE_NAME: table,
      API_CREDENTIAL_SECRET_ARN: credential,
      SCHEMA_REQUEST_BUDGET: '200',
      EVENT_RETENTION_DAYS: '90',
      ALERT_CHANNELS: 'slack,teams,pagerduty',
    });
    expect(own('AlertsFunction')).toEqual({
      TABLE_NAME: table,
      ALERT_SECRET_ARN: alertSecret,
      ALERT_CHANNELS: 'slack,teams,pagerduty',
      EVENT_RETENTION_DAYS: '90',
    });
  });

  it('takes retention and schema budget from context', () => {
    // Prepare / Act
    const tpl = buildStack({ eventRetentionDays: '30', schemaRequestBudget: 50 }).template;

    // Assess
    expect(environment(tpl, 'Webhook').EVENT_RETENTION_DAYS).toBe('30');
    expect(environment(tpl, 'Api').EVENT_RETENTION_DAYS).toBe('30');
    expect(environment(tpl, 'Sweep')).toMatchObject({
      EVENT_RETENTION_DAYS: '30',
      SCHEMA_REQUEST_BUDGET: '50',
    });
  });

  it('reserves concurrency only when the operator opts in', () => {
    // Prepare / Act
    const tpl = buildStack({ reservedConcurrency: 'true' }).template;

    // Assess
    expect(functionProps(tpl, 'Webhook').ReservedConcurrentExecutions).toBe(RESERVED_CONCURRENCY.webhook);
    expect(functionProps(tpl, 'Api').ReservedConcurrentExecutions).toBe(RESERVED_CONCURRENCY.api);
    expect(functionProps(tpl, 'Sweep').ReservedConcurrentExecutions).toBe(RESERVED_CONCURRENCY.sweep);
  });

  it('sends a failed sweep to the failed-work queue without retrying it', () => {
    // Prepare
    const queue = logicalIdOf(template, 'AWS::SQS::Queue', 'FailedWork');
    const sweep = logicalIdOf(template, 'AWS::Lambda::Function', 'Sweep');

    // Act / Assess
    // The other one is the alerts function's (alert-delivery.test.ts).
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 2);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: sweep },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    // The destination needs the right to send there.
    expect(statementsGranting(roleStatements(template, 'Sweep'), 'sqs:SendMessage').length).toBe(1);
  });
});

describe('Least privilege', () => {
  let template: Template;
  beforeAll(() => {
    template = buildStack().template;
  });

  it('lets the webhook read only the signing secret and the sweep only the API credential', () => {
    // Prepare
    const credential = logicalIdOf(template, 'AWS::SecretsManager::Secret', 'SecretsApiCredential');
    const signing = logicalIdOf(template, 'AWS::SecretsManager::Secret', 'SecretsWebhookSigningSecret');
    const readable = (fn: string) =>
      statementsGranting(roleStatements(template, fn), 'secretsmanager:GetSecretValue').flatMap(
        referencedIds,
      );

    // Act / Assess
    expect(readable('Webhook')).toEqual([signing]);
    expect(readable('Sweep')).toEqual([credential]);
    expect(readable('Api')).toEqual([]);
  });

  it('gives the api function read-only table access and the right to start a sweep, nothing more', () => {
    // Prepare
    const statements = roleStatements(template, 'Api');
    const table = logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', 'Table');
    const sweep = logicalIdOf(template, 'AWS::Lambda::Function', 'Sweep');

    // Act
    const writes = [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ];
    const invoke = statementsGranting(statements, 'lambda:InvokeFunction');

    // Assess
    expect(statementsGranting(statements, 'dynamodb:Query').flatMap(referencedIds)).toContain(table);
    for (const action of writes) expect(statementsGranting(statements, action)).toEqual([]);
    expect(invoke).toHaveLength(1);
    expect(invoke[0]?.Resource).toEqual({ 'Fn::GetAtt': [sweep, 'Arn'] });
    expect(statementsGranting(statements, 'events:PutEvents')).toEqual([]);
  });

  it('grants each function exactly its own table actions, on the table and its indexes only', () => {
    // Prepare
    const table = logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', 'Table');

    for (const [fn, expected] of [
      ['Webhook', TABLE_ACTIONS.webhook],
      ['Api', TABLE_ACTIONS.api],
      ['Sweep', TABLE_ACTIONS.sweep],
    ] as const) {
      // Act
      const dynamo = roleStatements(template, fn).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('dynamodb:')),
      );
      const actions = dynamo.flatMap(actionsOf).sort();

      // Assess
      expect(actions, fn).toEqual([...expected].sort());
      expect(
        actions.some((a) => a.includes('*')),
        `${fn}: no wildcard action`,
      ).toBe(false);
      for (const statement of dynamo) expect(new Set(referencedIds(statement))).toEqual(new Set([table]));
    }
  });

  it('keeps DeleteItem, Scan and BatchWriteItem from the webhook, and every write from the api', () => {
    // Prepare
    const webhook = roleStatements(template, 'Webhook');
    const api = roleStatements(template, 'Api');
    const writes = [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:TransactWriteItems',
      'dynamodb:PartiQLInsert',
      'dynamodb:PartiQLUpdate',
      'dynamodb:PartiQLDelete',
    ];

    // Act / Assess
    for (const action of ['dynamodb:DeleteItem', 'dynamodb:Scan', 'dynamodb:BatchWriteItem']) {
      expect(statementsGranting(webhook, action), `webhook ${action}`).toEqual([]);
    }
    for (const action of writes) expect(statementsGranting(api, action), `api ${action}`).toEqual([]);
    expect(statementsGranting(api, 'dynamodb:GetItem')).toHaveLength(1);
  });

  it('lets the webhook and the sweep write the table and put only their own events on the default bus', () => {
    for (const fn of ['Webhook', 'Sweep']) {
      // Prepare
      const statements = roleStatements(template, fn);

      // Act
      const putEvents = statementsGranting(statements, 'events:PutEvents');

      // Assess
      expect(statementsGranting(statements, 'dynamodb:PutItem').length).toBeGreaterThan(0);
      expect(putEvents).toHaveLength(1);
      expect(JSON.stringify(putEvents[0]?.Resource)).toContain(':event-bus/default');
      // The sweep also tells of schema changes (`Schema Changed`), under the same source.
      const detailTypes =
        fn === 'Sweep' ? ['Connection Health Changed', 'Schema Changed'] : 'Connection Health Changed';
      expect(putEvents[0]?.Condition).toEqual({
        StringEquals: { 'events:source': 'fivetran-metadata', 'events:detail-type': detailTypes },
      });
    }
  });

  it('uses no Resource "*" outside a VPC', () => {
    for (const fn of FUNCTIONS) {
      // Prepare / Act
      const starred = roleStatements(template, fn).filter((s) => s.Resource === '*');

      // Assess
      expect(starred.flatMap(actionsOf)).toEqual([]);
    }
  });

  it("joins the operator's subnets when given, with only the network-interface rights Lambda needs", () => {
    // Prepare
    const vpc = {
      lambdaSubnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1',
      lambdaSecurityGroupIds: 'sg-0123456789abcdef0',
    };

    // Act
    const tpl = buildStack(vpc).template;

    // Assess
    for (const fn of FUNCTIONS) {
      expect(functionProps(tpl, fn).VpcConfig).toEqual({
        SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        SecurityGroupIds: ['sg-0123456789abcdef0'],
      });
      const starred = roleStatements(tpl, fn).filter((s) => s.Resource === '*');
      expect(starred.flatMap(actionsOf).sort()).toEqual([...VPC_ACCESS_ACTIONS].sort());
      expect(functionProps(template, fn).VpcConfig).toBeUndefined();
    }
  });

  it('gives each role its own inline policy and no AWS managed policy', () => {
    // Prepare / Act / Assess (roleStatements fails on a managed policy)
    for (const fn of FUNCTIONS) {
      const statements = roleStatements(template, fn);
      const logs = statementsGranting(statements, 'logs:PutLogEvents');
      expect(logs).toHaveLength(1);
      expect(referencedIds(logs[0] as Statement)).toEqual([
        logicalIdOf(template, 'AWS::Logs::LogGroup', `${fn}Logs`),
      ]);
    }
  });
});
