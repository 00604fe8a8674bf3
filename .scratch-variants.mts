import { build } from 'esbuild';
import { esbuildOptions } from './infra/lambda-bundling.ts';
import { LAMBDA_ENTRIES } from './infra/lambda-entries.ts';

const alias = { '@aws-sdk/credential-provider-node': './infra/lambda-shims/credential-provider-env-only.ts' };
for (const name of ['webhook', 'api', 'sweep'] as const) {
  await build({ ...esbuildOptions(LAMBDA_ENTRIES[name], `/tmp/infra-v/alias-${name}`), alias });
  await build({
    ...esbuildOptions(LAMBDA_ENTRIES[name], `/tmp/infra-v/nokeep-${name}`),
    alias,
    keepNames: false,
  });
}
