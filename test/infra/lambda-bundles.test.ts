import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AssetStaging } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER, esbuildOptions, PACKAGES_NEVER_BUNDLED } from '../../infra/lambda-bundling.ts';
import { LAMBDA_ENTRIES } from '../../infra/lambda-entries.ts';
import { buildStack } from './stack-fixture.ts';

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

describe('Lambda bundles', () => {
  const work = mkdtempSync(join(tmpdir(), 'lambda-bundles-'));
  // Under `npx -p node@24 -- npm test` the outer npx exports npm_config_package=node@24, and CDK's own
  // `npx --no-install esbuild` would then refuse to run without installing that package.
  const outerNpxPackage = process.env.npm_config_package;
  beforeAll(() => {
    delete process.env.npm_config_package;
  });
  afterAll(() => {
    if (outerNpxPackage !== undefined) process.env.npm_config_package = outerNpxPackage;
    rmSync(work, { recursive: true, force: true });
  });

  // The one test that runs esbuild through the stack (all three functions): it takes several seconds.
  it('bundles all three handlers as importable ESM with source maps and the AWS SDK inside', async () => {
    // Prepare
    const outdir = join(work, 'cdk.out');
    const { stack } = buildStack({}, { bundle: true, outdir });
    const staged = (id: string) => {
      const staging = stack.node
        .findChild(id)
        .node.findAll()
        .find((c): c is AssetStaging => c instanceof AssetStaging);
      if (!staging) throw new Error(`no bundled asset for ${id}`);
      return staging.absoluteStagedPath;
    };

    for (const [id, entry] of [
      ['Webhook', LAMBDA_ENTRIES.webhook],
      ['Api', LAMBDA_ENTRIES.api],
      ['Sweep', LAMBDA_ENTRIES.sweep],
    ] as const) {
      // Act
      const dir = staged(id);
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
      expect(code.startsWith(ESM_REQUIRE_BANNER), `${id}: banner first`).toBe(true);
      expect(code, `${id}: the SDK is bundled, not imported`).not.toMatch(/from\s*["']@aws-sdk\//);
      expect(code).toContain('//# sourceMappingURL=index.mjs.map');
      expect(map.sourcesContent).toBeUndefined();
      expect(bundledPackages, `${id}: the SDK is in the bundle`).toContain('@aws-sdk/client-dynamodb');
      expect(bundledPackages, `${id}: the env-only credential provider stands in`).toContain(
        '@aws-sdk/credential-provider-env',
      );
      for (const unused of PACKAGES_NEVER_BUNDLED) {
        expect(bundledPackages, `${id}: ${unused} is never used in Lambda`).not.toContain(unused);
      }
      expect(exported, `${id}: exports handler`).toBe('function');

      // The benchmark's esbuild call produces the very same bundle (one source of options, no drift).
      if (id === 'Webhook') {
        const benchDir = join(work, 'bench-webhook');
        await build(esbuildOptions(entry, benchDir));
        expect(readFileSync(join(benchDir, 'index.mjs'), 'utf8')).toBe(code);
      }
    }
  });
});
