/**
 * Lambda bundles: size and cold import time of each handler, bundled with the stack's own esbuild settings
 * (infra/lambda-bundling.ts), so the measured bundles are the deployed ones. Import time is the wall time
 * of a fresh `node --enable-source-maps` process that imports the bundle (source maps on, as deployed),
 * as a multiple of a bare `node -e ''` measured in the same run, interleaved: medians over RUNS processes
 * each; each process's own CPU time is printed too, split into bare start, built-ins and the bundle's own
 * share. Goals (issue 14): webhook ≤ 1.5×, api and sweep ≤ 2×. The metafile says what remains heavy, and
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
const GOAL_MULTIPLE: Record<LambdaName, number> = { webhook: 1.5, api: 2, sweep: 2, alerts: 2, lineage: 2 };

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

/** Printed last by every measured process: its own CPU time (user + system, all threads), in µs. */
const PRINT_CPU = 'const u = process.cpuUsage(); process.stdout.write(String(u.user + u.system));';

/**
 * One fresh process: its wall time, and the CPU time it reports. CPU time barely moves when other work
 * shares the machine, so it tells a real change from noise when the wall times drift.
 */
function measure(args: string[]): { wall: number; cpu: number } {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env: ENV, encoding: 'utf8' });
  const wall = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return { wall, cpu: Number(result.stdout.trim()) / 1000 };
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

    const script = `await import(process.argv[1]); ${PRINT_CPU}`;
    const importArgs = (file: string) => [
      '--enable-source-maps',
      '--input-type=module',
      '-e',
      script,
      pathToFileURL(file).href,
    ];
    // `node -e` with nothing but the CPU print: the bare start the goals are multiples of.
    const bareArgs = ['-e', PRINT_CPU];
    const bare: { wall: number; cpu: number }[] = [];
    const imports = new Map<LambdaName, { wall: number; cpu: number }[]>(bundles.map((b) => [b.name, []]));
    const floors = new Map<LambdaName, { wall: number; cpu: number }[]>(bundles.map((b) => [b.name, []]));
    const floorArgs = new Map(
      bundles.map((b) => [b.name, ['--input-type=module', '-e', `${builtinsScript(b.file)} ${PRINT_CPU}`]]),
    );
    // Warm the file cache once, then interleave so drift on a shared machine affects every figure alike.
    measure(bareArgs);
    for (const bundle of bundles) measure(importArgs(bundle.file));
    for (let i = 0; i < RUNS; i++) {
      bare.push(measure(bareArgs));
      for (const bundle of bundles) {
        imports.get(bundle.name)?.push(measure(importArgs(bundle.file)));
        floors.get(bundle.name)?.push(measure(floorArgs.get(bundle.name) ?? []));
      }
    }
    const median = (samples: { wall: number; cpu: number }[], key: 'wall' | 'cpu') =>
      summarise(samples.map((s) => s[key])).median;
    const bareWall = median(bare, 'wall');
    const bareCpu = median(bare, 'cpu');
    console.log(`bare node: ${bareWall.toFixed(0)} ms wall, ${bareCpu.toFixed(0)} ms CPU`);
    for (const [name, samples] of imports) {
      const wall = median(samples, 'wall');
      const multiple = wall / bareWall;
      const goal = GOAL_MULTIPLE[name];
      const floor = floors.get(name) ?? [];
      console.log(
        `${name}: fresh process importing the bundle ${wall.toFixed(0)} ms = ${multiple.toFixed(2)}× bare node (goal ≤ ${goal}×: ${multiple <= goal ? 'met' : 'NOT met'}); its Node built-ins alone ${(median(floor, 'wall') / bareWall).toFixed(2)}×`,
      );
      console.log(
        `  CPU: ${median(samples, 'cpu').toFixed(0)} ms = bare ${bareCpu.toFixed(0)} + built-ins ${(median(floor, 'cpu') - bareCpu).toFixed(0)} + the bundle's own ${(median(samples, 'cpu') - median(floor, 'cpu')).toFixed(0)}`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
