import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyViolation } from 'aws-cdk-lib';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addNagChecks, nagPacks } from '../../infra/nag.ts';
import { buildStack } from './stack-fixture.ts';

/** Every unacknowledged finding of both packs, as `rule @ construct path`. */
function findings(app: App): string[] {
  return nagPacks(app).flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.flatMap((v: PolicyViolation) =>
        v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`),
      ),
  );
}

// Every variant that adds or removes resources or acknowledgments.
const VARIANTS: Record<string, Record<string, unknown>> = {
  defaults: {},
  'all options on': {
    alarmEmail: 'ops@example.com',
    alertEmail: 'data@example.com',
    apiExecutionLogging: 'true',
    reservedConcurrency: 'true',
    tableRemovalPolicy: 'destroy',
    accessLogging: 'true',
    apiGatewayCloudWatchRole: 'true',
    webhookRateLimit: '2000',
  },
  'OpenLineage delivery': {
    openLineageUrl: 'https://marquez.example/api/v1/lineage',
    openLineageNamespace: 'fivetran-prod',
  },
  'OpenLineage in a control-tower VPC': {
    openLineageUrl: 'https://marquez.example/api/v1/lineage',
    controlTower: 'true',
    account: '123456789012',
    lambdaSubnetIds: 'subnet-0123456789abcdef0',
    lambdaSecurityGroupIds: 'sg-0123456789abcdef0',
  },
  'control tower in a VPC': {
    controlTower: 'true',
    account: '123456789012',
    lambdaSubnetIds: 'subnet-0123456789abcdef0',
    lambdaSecurityGroupIds: 'sg-0123456789abcdef0',
  },
};

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(Object.entries(VARIANTS))('reports no unacknowledged finding (%s)', (_name, context) => {
    // Prepare
    const { app } = buildStack(context);

    // Act
    const open = findings(app);

    // Assess
    expect(open).toEqual([]);
  });

  it.each(Object.entries(VARIANTS))(
    'acknowledges only real findings, each for a written reason (%s)',
    (_name, context) => {
      // Prepare: record the acknowledgments instead of applying them, so every finding shows.
      const acknowledged: { id: string; path: string; reason: string }[] = [];
      vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(function (
        this: Validations,
        ...rules
      ) {
        const path = (this as unknown as { scope: { node: { path: string } } }).scope.node.path;
        for (const rule of rules) acknowledged.push({ id: rule.id, path, reason: rule.reason });
      });
      const { app } = buildStack(context);

      // Act
      const raw = findings(app);

      // Assess: each acknowledgment matches a finding on its construct or below it (none is stale)...
      expect(acknowledged.length).toBeGreaterThan(0);
      for (const ack of acknowledged) {
        const matching = raw.filter((f) => f.startsWith(`${ack.id} @ ${ack.path}/`));
        expect(matching, `${ack.id} on ${ack.path} acknowledges nothing`).not.toEqual([]);
        expect(ack.reason.length, `${ack.id} on ${ack.path} needs a real reason`).toBeGreaterThan(60);
      }
      // ...and acknowledgments are per finding, never a whole rule family like bare IAM5.
      expect(acknowledged.map((a) => a.id)).not.toContain('AwsSolutions-IAM5');
    },
  );

  it('finds a deliberately non-compliant resource added to the stack', () => {
    // Prepare
    const { app, stack } = buildStack();
    new Queue(stack, 'PlainQueue');

    // Act
    const open = findings(app);

    // Assess
    expect(open).toContain('AwsSolutions-SQS4 @ FivetranMetadata/PlainQueue/Resource');
    expect(open).toContain('AwsSolutions-SQS3 @ FivetranMetadata/PlainQueue/Resource');
  });

  it('fails the synth on a new finding (policy validation, as `cdk synth` runs it)', () => {
    // Prepare
    const outdir = mkdtempSync(join(tmpdir(), 'nag-synth-'));
    try {
      const app = new App({ outdir });
      new Queue(new Stack(app, 'Careless'), 'PlainQueue');
      addNagChecks(app);
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

      // Act
      const synth = () => app.synth();

      // Assess
      expect(synth).toThrow(/AwsSolutions-SQS4/);
      const report = readFileSync(join(outdir, 'validation-report.json'), 'utf8');
      expect(report).toContain('AwsSolutions-SQS4');
      expect(report).toContain('Careless/PlainQueue/Resource');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
