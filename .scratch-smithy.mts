import { build } from 'esbuild';
import { esbuildOptions } from './infra/lambda-bundling.ts';
import { LAMBDA_ENTRIES } from './infra/lambda-entries.ts';

const name = process.argv[2] as 'webhook';
const r = await build({
  ...esbuildOptions(LAMBDA_ENTRIES[name], `/tmp/infra-meta2/${name}`),
  metafile: true,
  alias: { '@aws-sdk/credential-provider-node': './infra/lambda-shims/credential-provider-env-only.ts' },
});
const out = Object.values(r.metafile.outputs).find((o) => o.entryPoint)!;
const by = new Map<string, number>();
for (const [p, i] of Object.entries(out.inputs)) {
  const m =
    /node_modules\/(@smithy\/core\/dist-es\/submodules\/[^/]+(?:\/[^/]+)?|@aws-sdk\/core\/dist-es\/submodules\/[^/]+|@smithy\/[^/]+|@aws-sdk\/[^/]+|[^/]+)/.exec(
      p,
    );
  const k = m?.[1] ?? p.split('/').slice(0, 3).join('/');
  by.set(k, (by.get(k) ?? 0) + i.bytesInOutput);
}
console.log(
  [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 45)
    .map(([k, v]) => `${(v / 1024).toFixed(1)} ${k}`)
    .join('\n'),
);
