/**
 * Lambda bundles: size and cold import time of each handler, bundled with the stack's own esbuild settings
 * (infra/lambda-bundling.ts). Import time is the wall time of a fresh `node` process that imports the bundle
 * (with --enable-source-maps, as deployed), minus a bare `node -e ''`: medians over several runs.
 * Goals: each import ≤ 100 ms above bare Node; the webhook bundle ≤ 800 KiB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../infra/lambda-bundling.ts';
import { LAMBDA_ENTRIES, type LambdaName } from '../infra/lambda-entries.ts';
import { summarise } from './stats.ts';

const RUNS = 15;
const IMPORT_GOAL_MS = 100;
const WEBHOOK_SIZE_GOAL_KIB = 800;

/** Enough configuration for each handler to load; nothing reaches AWS. */
const ENV = {
  PATH: process.env.PATH ?? '',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  TABLE_NAME: 'bench',
  WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:webhook',
  API_CREDENTIAL_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:credential',
  SWEEP_FUNCTION_NAME: 'bench-sweep',
  EVENT_RETENTION_DAYS: '90',
  SCHEMA_REQUEST_BUDGET: '200',
  POWERTOOLS_SERVICE_NAME: 'fivetran-metadata',
  POWERTOOLS_METRICS_NAMESPACE: 'FivetranMetadata',
};

function wallMs(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env: ENV, encoding: 'utf8' });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

/** The biggest contributors to a bundle, by package (or by project folder), in KiB. */
function largestInputs(metafile: Metafile, outfile: string, count: number): string {
  const output = Object.entries(metafile.outputs).find(([path]) => path.endsWith(outfile))?.[1];
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const key = match?.[1] ?? path.split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)}`)
    .join(', ');
}

export default async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'lambda-bundles-bench-'));
  try {
    console.log(`node ${process.version}, ${RUNS} fresh processes per measurement, medians`);
    const bundles: { name: LambdaName; file: string }[] = [];
    for (const name of Object.keys(LAMBDA_ENTRIES) as LambdaName[]) {
      const entry = LAMBDA_ENTRIES[name];
      if (!existsSync(entry)) {
        console.log(`${name}: skipped, ${entry} does not exist yet`);
        continue;
      }
      const outdir = join(work, name);
      const result = await build({ ...esbuildOptions(entry, outdir), metafile: true });
      const file = join(outdir, 'index.mjs');
      const kib = statSync(file).size / 1024;
      const mapKib = statSync(`${file}.map`).size / 1024;
      const goal =
        name === 'webhook'
          ? ` (goal ≤ ${WEBHOOK_SIZE_GOAL_KIB} KiB: ${kib <= WEBHOOK_SIZE_GOAL_KIB ? 'met' : 'NOT met'})`
          : '';
      console.log(`${name}: bundle ${kib.toFixed(0)} KiB, source map ${mapKib.toFixed(0)} KiB${goal}`);
      console.log(`  largest (KiB): ${largestInputs(result.metafile, 'index.mjs', 6)}`);
      bundles.push({ name, file });
    }

    const script = 'await import(process.argv[1]);';
    const bare: number[] = [];
    const imports = new Map<LambdaName, number[]>(bundles.map((b) => [b.name, []]));
    // Warm the file cache once, then interleave so drift affects every measurement alike.
    wallMs(['-e', '']);
    for (const bundle of bundles)
      wallMs(['--input-type=module', '-e', script, pathToFileURL(bundle.file).href]);
    for (let i = 0; i < RUNS; i++) {
      bare.push(wallMs(['-e', '']));
      for (const bundle of bundles) {
        imports
          .get(bundle.name)
          ?.push(
            wallMs([
              '--enable-source-maps',
              '--input-type=module',
              '-e',
              script,
              pathToFileURL(bundle.file).href,
            ]),
          );
      }
    }
    const bareMedian = summarise(bare).median;
    console.log(`bare node -e '': ${bareMedian.toFixed(0)} ms`);
    for (const [name, samples] of imports) {
      const median = summarise(samples).median;
      const above = median - bareMedian;
      console.log(
        `${name}: process with import ${median.toFixed(0)} ms, ${above.toFixed(0)} ms above bare node (goal ≤ ${IMPORT_GOAL_MS} ms: ${above <= IMPORT_GOAL_MS ? 'met' : 'NOT met'})`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
