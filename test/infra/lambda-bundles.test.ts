import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ESM_REQUIRE_BANNER,
  esbuildOptions,
  MODULES_NEVER_BUNDLED,
  PACKAGES_NEVER_BUNDLED,
} from '../../infra/lambda-bundling.ts';
import { LAMBDA_ENTRIES } from '../../infra/lambda-entries.ts';
import { type BundledStack, FUNCTION_IDS, synthesizeBundledStack } from './lambda-runtime/bundled-stack.ts';
import { runtimeScenarios } from './lambda-runtime/runtime-scenarios.ts';

/** Enough configuration for each handler module to load; no AWS endpoint is reachable or called. */
const IMPORT_ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  TABLE_NAME: 'bundle-test',
  WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:webhook',
  API_CREDENTIAL_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:credential',
  SWEEP_FUNCTION_NAME: 'bundle-test-sweep',
  EVENT_RETENTION_DAYS: '90',
  SCHEMA_REQUEST_BUDGET: '200',
  POWERTOOLS_SERVICE_NAME: 'fivetran-metadata',
  POWERTOOLS_METRICS_NAMESPACE: 'FivetranMetadata',
};

// One real bundling of all three functions (several seconds), shared by both groups below.
let bundled: BundledStack;
beforeAll(() => {
  bundled = synthesizeBundledStack();
});
afterAll(() => bundled?.dispose());

describe('Lambda bundles', () => {
  const work = mkdtempSync(join(tmpdir(), 'lambda-bundles-bench-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(FUNCTION_IDS)(
    '%s: importable ESM with source maps, the SDK inside, no unused credential providers or event streams',
    (id) => {
      // Prepare
      const { dir } = bundled.functions[id];

      // Act
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      const map = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as {
        sources: string[];
        sourcesContent?: unknown;
      };
      // The map names every input file, so it says which packages made it into the bundle.
      const bundledPackages = new Set(
        map.sources.flatMap((source) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1] ?? []),
      );
      const exported = execFileSync(
        process.execPath,
        [
          '--enable-source-maps',
          '--input-type=module',
          '-e',
          'const m = await import(process.argv[1]); process.stdout.write(typeof m.handler);',
          pathToFileURL(join(dir, 'index.mjs')).href,
        ],
        { env: IMPORT_ENV, encoding: 'utf8' },
      );

      // Assess
      expect(code.startsWith(ESM_REQUIRE_BANNER), 'banner first').toBe(true);
      expect(code, 'the SDK is bundled, not imported').not.toMatch(/from\s*["']@aws-sdk\//);
      expect(code).toContain('//# sourceMappingURL=index.mjs.map');
      expect(map.sourcesContent).toBeUndefined();
      expect(bundledPackages, 'the SDK is in the bundle').toContain('@aws-sdk/client-dynamodb');
      expect(bundledPackages, 'the env-only credential provider stands in').toContain(
        '@aws-sdk/credential-provider-env',
      );
      for (const unused of PACKAGES_NEVER_BUNDLED) {
        expect(bundledPackages, `${unused} is never used in Lambda`).not.toContain(unused);
      }
      for (const unused of MODULES_NEVER_BUNDLED) {
        expect(map.sources.filter((source) => source.includes(`node_modules/${unused}`))).toEqual([]);
      }
      expect(exported, 'exports handler').toBe('function');
    },
  );

  it('is what the benchmark measures: its esbuild call produces the very same bundle', async () => {
    // Prepare
    const deployed = readFileSync(join(bundled.functions.Webhook.dir, 'index.mjs'), 'utf8');

    // Act
    await build(esbuildOptions(LAMBDA_ENTRIES.webhook, join(work, 'webhook')));

    // Assess: one source of options, no drift.
    expect(readFileSync(join(work, 'webhook', 'index.mjs'), 'utf8')).toBe(deployed);
  });
});

describe('Lambda bundles run as the Lambda runtime loads them (dynalite, local AWS fakes, the simulator)', () => {
  runtimeScenarios(() => bundled);
});
