/**
 * Lambda bundles: size and cold import time of each handler, bundled with the stack's own esbuild settings
 * (infra/lambda-bundling.ts), so the measured bundles are the deployed ones. Import time is the wall time
 * of a fresh `node --enable-source-maps` process that imports the bundle (source maps on, as deployed),
 * as a multiple of a bare `node -e ''` measured in the same run, interleaved: medians over RUNS processes
 * each. Goals (issue 14): webhook ≤ 1.5×, api and sweep ≤ 2×. The metafile says what remains heavy, and
 * a process that imports only the Node built-ins a bundle uses (https, crypto, zlib, streams, …) shows the
 * floor no bundle of the AWS SDK can go below.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions } from '../infra/lambda-bundling.ts';
import { LAMBDA_ENTRIES, type LambdaName } from '../infra/lambda-entries.ts';
import { summarise } from './stats.ts';

const RUNS = 10;
/** Import wall time over a bare Node start. */
const GOAL_MULTIPLE: Record<LambdaName, number> = { webhook: 1.5, api: 2, sweep: 2, lineage: 2 };

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
export function largestInputs(metafile: Metafile, count: number): string {
  const output = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined);
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

/** The `node:` modules a bundle imports, as one script that imports just those. */
function builtinsScript(file: string): string {
  const names = new Set(
    [...readFileSync(file, 'utf8').matchAll(/from\s*"(node:[a-z_/]+)"/g)].map((m) => m[1]),
  );
  return `await Promise.all(${JSON.stringify([...names].sort())}.map((name) => import(name)));`;
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
      console.log(`${name}: bundle ${kib.toFixed(0)} KiB, source map ${mapKib.toFixed(0)} KiB`);
      console.log(`  largest (KiB): ${largestInputs(result.metafile, 8)}`);
      bundles.push({ name, file });
    }

    const script = 'await import(process.argv[1]);';
    const importArgs = (file: string) => [
      '--enable-source-maps',
      '--input-type=module',
      '-e',
      script,
      pathToFileURL(file).href,
    ];
    const bare: number[] = [];
    const imports = new Map<LambdaName, number[]>(bundles.map((b) => [b.name, []]));
    const floors = new Map<LambdaName, number[]>(bundles.map((b) => [b.name, []]));
    const floorArgs = new Map(
      bundles.map((b) => [b.name, ['--input-type=module', '-e', builtinsScript(b.file)]]),
    );
    // Warm the file cache once, then interleave so drift on a shared machine affects every figure alike.
    wallMs(['-e', '']);
    for (const bundle of bundles) wallMs(importArgs(bundle.file));
    for (let i = 0; i < RUNS; i++) {
      bare.push(wallMs(['-e', '']));
      for (const bundle of bundles) {
        imports.get(bundle.name)?.push(wallMs(importArgs(bundle.file)));
        floors.get(bundle.name)?.push(wallMs(floorArgs.get(bundle.name) ?? []));
      }
    }
    const bareMedian = summarise(bare).median;
    console.log(`bare node -e '': ${bareMedian.toFixed(0)} ms`);
    for (const [name, samples] of imports) {
      const median = summarise(samples).median;
      const multiple = median / bareMedian;
      const goal = GOAL_MULTIPLE[name];
      const floor = summarise(floors.get(name) ?? []).median;
      console.log(
        `${name}: fresh process importing the bundle ${median.toFixed(0)} ms = ${multiple.toFixed(2)}× bare node (goal ≤ ${goal}×: ${multiple <= goal ? 'met' : 'NOT met'}); its Node built-ins alone ${(floor / bareMedian).toFixed(2)}×`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
