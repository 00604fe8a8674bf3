import { build } from 'esbuild';
import { largestInputs } from './bench/lambda-bundles.bench.ts';
import { esbuildOptions } from './infra/lambda-bundling.ts';
import { LAMBDA_ENTRIES } from './infra/lambda-entries.ts';

for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
  const r = await build({
    ...esbuildOptions(entry, `/tmp/infra-meta2/${name}`),
    metafile: true,
    alias: { '@aws-sdk/credential-provider-node': process.argv[2] },
  });
  const out = Object.values(r.metafile.outputs).find((o) => o.entryPoint)!;
  console.log(name, (out.bytes / 1024).toFixed(0), largestInputs(r.metafile, 14));
}
