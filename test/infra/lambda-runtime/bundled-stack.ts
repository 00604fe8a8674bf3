/**
 * The stack synthesized with real bundling (esbuild through NodejsFunction, as `cdk synth` does), once per
 * test file: where each function's asset landed in the cloud assembly and its environment in the template.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetStaging } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildStack, logicalIdOf, propertiesOf } from '../stack-fixture.ts';

export const FUNCTION_IDS = ['Webhook', 'Api', 'Sweep', 'AlertsFunction'] as const;
/** Where each function sits in the construct tree (the alerts function inside its construct). */
const FUNCTION_PATHS: Record<(typeof FUNCTION_IDS)[number], readonly string[]> = {
  Webhook: ['Webhook'],
  Api: ['Api'],
  Sweep: ['Sweep'],
  AlertsFunction: ['Alerts', 'Function'],
};
export type FunctionId = (typeof FUNCTION_IDS)[number];

export interface BundledFunction {
  /** The asset directory in cdk.out (index.mjs, index.mjs.map), as uploaded to Lambda. */
  readonly dir: string;
  readonly variables: Record<string, unknown>;
  readonly timeoutMs: number;
}

export interface BundledStack {
  readonly template: Template;
  readonly functions: Record<FunctionId, BundledFunction>;
  dispose(): void;
}

export function synthesizeBundledStack(): BundledStack {
  const work = mkdtempSync(join(tmpdir(), 'lambda-bundles-'));
  // Under `npx -p node@24 -- npm test` the outer npx exports npm_config_package=node@24, and CDK's own
  // `npx --no-install esbuild` would then refuse to run without installing that package.
  const outerNpxPackage = process.env.npm_config_package;
  delete process.env.npm_config_package;
  try {
    const { stack, template } = buildStack({}, { bundle: true, outdir: join(work, 'cdk.out') });
    const functions = Object.fromEntries(
      FUNCTION_IDS.map((id) => {
        const staging = FUNCTION_PATHS[id]
          .reduce((scope, child) => scope.node.findChild(child), stack as IConstruct)
          .node.findAll()
          .find((c): c is AssetStaging => c instanceof AssetStaging);
        if (!staging) throw new Error(`no bundled asset for ${id}`);
        const props = propertiesOf(template, logicalIdOf(template, 'AWS::Lambda::Function', id));
        const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
        return [
          id,
          { dir: staging.absoluteStagedPath, variables, timeoutMs: (props.Timeout as number) * 1000 },
        ];
      }),
    ) as Record<FunctionId, BundledFunction>;
    return { template, functions, dispose: () => rmSync(work, { recursive: true, force: true }) };
  } finally {
    if (outerNpxPackage !== undefined) process.env.npm_config_package = outerNpxPackage;
  }
}
