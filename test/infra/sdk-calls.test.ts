import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LambdaName } from '../../infra/lambda-entries.ts';
import { type BundledCall, bundledCalls } from './sdk-calls.ts';
import { buildStack, roleStatements, statementsGranting } from './stack-fixture.ts';

const FUNCTION_IDS: Record<LambdaName, string> = {
  webhook: 'Webhook',
  api: 'Api',
  sweep: 'Sweep',
  alerts: 'AlertsFunction',
  lineage: 'LineageDeliverer',
};
/** The deliverer is deployed only with an OpenLineage endpoint. */
const LINEAGE_CONTEXT = { openLineageUrl: 'https://marquez.example/api/v1/lineage' };

const WRITES = new Set([
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:TransactWriteItems',
]);

describe('Every AWS call a bundle can make is allowed to its function', () => {
  let template: Template;
  let lineageTemplate: Template;
  const calls = {} as Record<LambdaName, BundledCall[]>;
  beforeAll(async () => {
    template = buildStack().template;
    lineageTemplate = buildStack(LINEAGE_CONTEXT).template;
    for (const name of Object.keys(FUNCTION_IDS) as LambdaName[]) calls[name] = await bundledCalls(name);
  });

  it.each(['webhook', 'sweep', 'alerts', 'lineage'] as const)(
    '%s: its role allows each operation its code constructs',
    (name) => {
      // Prepare
      const statements = roleStatements(name === 'lineage' ? lineageTemplate : template, FUNCTION_IDS[name]);

      // Act
      const denied = calls[name].filter((call) => statementsGranting(statements, call.action).length === 0);

      // Assess
      expect(calls[name].length).toBeGreaterThan(0);
      expect(denied.map((c) => `${c.action} (${c.command} in ${c.files.join(', ')})`)).toEqual([]);
    },
  );

  it('api: its role allows every read it constructs and none of the writes the shared store modules carry', () => {
    // Prepare: the api bundles the store modules the writers use, but its routes only read (ARCHITECTURE:
    // the api is read-only); the runtime test in lambda-runtime.test.ts records what it really sends.
    const statements = roleStatements(template, 'Api');
    const reads = calls.api.filter((call) => !WRITES.has(call.action));

    // Act
    const denied = reads.filter((call) => statementsGranting(statements, call.action).length === 0);

    // Assess
    expect(reads.map((c) => c.action)).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']),
    );
    expect(reads.map((c) => c.action)).toContain('lambda:InvokeFunction');
    expect(denied.map((c) => `${c.action} (${c.command})`)).toEqual([]);
  });

  it('finds what the code calls today (the list the operator guide and the report give)', () => {
    // Prepare / Act
    const actions = Object.fromEntries(
      Object.entries(calls).map(([name, list]) => [name, [...new Set(list.map((c) => c.action))].sort()]),
    );

    // Assess: the webhook reads its secret through Powertools, found in that package.
    expect(actions.webhook).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'events:PutEvents',
      'secretsmanager:GetSecretValue',
    ]);
    expect(actions.sweep).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'events:PutEvents',
      'secretsmanager:GetSecretValue',
    ]);
    // The alerts function reads its channel secret through Powertools as well; it puts no events.
    expect(actions.alerts).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'secretsmanager:GetSecretValue',
    ]);
    // The deliverer claims and settles outbox items: no GetItem, PutItem or DeleteItem.
    expect(actions.lineage).toEqual([
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'secretsmanager:GetSecretValue',
    ]);
    expect(actions.api?.filter((a) => !WRITES.has(a))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'lambda:InvokeFunction',
    ]);
  });
});
