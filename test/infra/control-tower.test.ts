import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { controlTowerFailures, type GuardFailures, guardBinary } from './cfn-guard.ts';
import { buildStack, logicalIdOf, propertiesOf } from './stack-fixture.ts';

const ACCOUNT = '123456789012';
const VPC = {
  lambdaSubnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1',
  lambdaSecurityGroupIds: 'sg-0123456789abcdef0',
};

const binary = guardBinary();
const guardAvailable = binary !== null && existsSync(binary);

const VARIANTS = {
  defaults: {},
  'controlTower in a VPC': { controlTower: 'true', account: ACCOUNT, ...VPC },
  'controlTower with every other option': {
    controlTower: 'true',
    account: ACCOUNT,
    ...VPC,
    accessLogging: 'true',
    apiGatewayCloudWatchRole: 'true',
    webhookRateLimit: '2000',
    alarmEmail: 'ops@example.com',
    alertEmail: 'data@example.com',
    reservedConcurrency: 'true',
  },
  'controlTower without a VPC': { controlTower: 'true', account: ACCOUNT },
} as const;

/** Per control, how many resources fail it. */
function counted(failures: GuardFailures | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(failures ?? {}).map(([control, ids]) => [control, ids.length]));
}

// The rules ship with @cdklabs/cdk-validator-cfnguard, as does the cfn-guard binary for Linux and macOS.
describe.runIf(guardAvailable)('AWS Control Tower proactive controls (cfn-guard, offline)', () => {
  let results: Record<keyof typeof VARIANTS, GuardFailures>;
  beforeAll(() => {
    // One cfn-guard run over every variant's template.
    const templates = Object.fromEntries(
      Object.entries(VARIANTS).map(([name, context]) => [name, buildStack(context).template.toJSON()]),
    );
    results = controlTowerFailures(templates, binary as string) as typeof results;
  });

  it('fails these controls by default (the guide lists them and why)', () => {
    // Prepare / Act
    const failing = counted(results.defaults);

    // Assess: per control, the resources that fail it.
    expect(failing).toEqual({
      'CT.APIGATEWAY.PR.1': 1, // the stage: execution logging off (needs the account-level role)
      'CT.CLOUDWATCH.PR.2': 4, // the function log groups (alerts included): 30-day retention
      'CT.CLOUDWATCH.PR.3': 4, // the function log groups: AWS-owned encryption
      'CT.LAMBDA.PR.2': 3, // the API Gateway permissions: SourceArn only, built with Fn::Join
      'CT.LAMBDA.PR.3': 4, // the functions: no VPC
      'CT.SQS.PR.1': 1, // the failed-work queue: a dead-letter queue that does not say so
    });
  });

  it("passes every control with controlTower=true, the account and the operator's VPC", () => {
    // Prepare / Act
    const failing = counted(results['controlTower in a VPC']);

    // Assess
    expect(failing).toEqual({});
  });

  it('still passes with every other option on (WAF, access logs, the account logging role, alerts)', () => {
    // Prepare / Act
    const failing = counted(results['controlTower with every other option']);

    // Assess
    expect(failing).toEqual({});
  });

  it('leaves only CT.LAMBDA.PR.3 without a VPC, and says so at synth', () => {
    // Prepare
    const { stack } = buildStack({ controlTower: 'true', account: ACCOUNT });

    // Act
    const failing = counted(results['controlTower without a VPC']);
    const warnings = stack.node.metadata
      .filter((m) => m.type === 'aws:cdk:warning')
      .map((m) => String(m.data));

    // Assess
    expect(failing).toEqual({ 'CT.LAMBDA.PR.3': 4 });
    expect(warnings.join('\n')).toContain('CT.LAMBDA.PR.3 is not met');
  });
});

describe('controlTower=true template details', () => {
  it('encrypts every log group with one retained key that only CloudWatch Logs of this account may use', () => {
    // Prepare
    const { template } = buildStack({ controlTower: 'true', account: ACCOUNT, accessLogging: 'true' });
    const keyId = logicalIdOf(template, 'AWS::KMS::Key', 'LogKey');
    const key = template.toJSON().Resources[keyId] as {
      DeletionPolicy: string;
      Properties: { KeyPolicy: unknown };
    };

    // Act
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    const policy = JSON.stringify(key.Properties.KeyPolicy);

    // Assess: four function groups (alerts included), access logs, execution logs.
    expect(groups).toHaveLength(6);
    for (const group of groups) {
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(group.Properties.RetentionInDays).toBe(365);
    }
    expect(key.DeletionPolicy).toBe('Retain');
    expect(policy).toContain('kms:EncryptionContext:aws:logs:arn');
    expect(policy).toContain(`:${ACCOUNT}:log-group:*`);
  });

  it('names the account on every Lambda permission and binds the stack to it', () => {
    // Prepare
    const { template, stack } = buildStack({ controlTower: 'true', account: ACCOUNT });

    // Act
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission'));

    // Assess
    expect(stack.account).toBe(ACCOUNT);
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions) expect(permission.Properties.SourceAccount).toBe(ACCOUNT);
    const queue = propertiesOf(template, logicalIdOf(template, 'AWS::SQS::Queue', 'FailedWork'));
    expect(queue.RedriveAllowPolicy).toEqual({ redrivePermission: 'allowAll' });
  });

  it('limits KMS grants to AWS services on every key, with or without the option', () => {
    for (const context of [{}, { controlTower: 'true', account: ACCOUNT }]) {
      // Prepare
      const { template } = buildStack(context);

      // Act
      const keys = Object.values(template.findResources('AWS::KMS::Key'));

      // Assess
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const statements = (key.Properties.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
        expect(statements).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'kms:CreateGrant',
            Condition: {
              BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
            },
          }),
        );
      }
    }
  });
});
