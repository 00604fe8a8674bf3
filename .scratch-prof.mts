import { build } from 'esbuild';
import { esbuildOptions } from './infra/lambda-bundling.ts';
import { LAMBDA_ENTRIES } from './infra/lambda-entries.ts';

await build({
  ...esbuildOptions(LAMBDA_ENTRIES.webhook, `/tmp/infra-meta3/webhook`),
  minify: false,
  alias: { '@aws-sdk/credential-provider-node': './infra/lambda-shims/credential-provider-env-only.ts' },
});
