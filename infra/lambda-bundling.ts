import { join } from 'node:path';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import { PROJECT_ROOT } from './lambda-entries.ts';

/**
 * The one set of esbuild settings for every Lambda. The stack hands them to NodejsFunction and the bundle
 * benchmark hands them to esbuild directly, so the measured bundles are the deployed bundles.
 */

/** Matches the `nodejs24.x` runtime. */
export const BUNDLE_TARGET = 'node24';

/**
 * ESM output cannot `require()`, but a few bundled CommonJS dependencies do (Node built-ins, mostly).
 * Giving the module a real `require` keeps esbuild's shim from throwing "Dynamic require ... is not
 * supported" at runtime. The alias avoids clashing with any bundled identifier.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __houseCreateRequire } from 'node:module'; const require = __houseCreateRequire(import.meta.url);";

/**
 * Packages swapped for a smaller stand-in at bundle time. `@aws-sdk/credential-provider-node` is the SDK's
 * default credential chain: in Lambda only its first link (environment variables) ever answers, and the
 * rest (SSO, ini files, credential_process, web identity, IMDS / container endpoints) pulls in
 * `@aws-sdk/nested-clients` (STS, SSO, SSO OIDC): a third of the webhook bundle, parsed on every cold
 * start. Paths are relative to the project root, where esbuild runs (locally, or in CDK's Docker fallback).
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './infra/lambda-shims/credential-provider-env-only.ts',
  // No call the functions make streams events; see the shim for what it saves and how it fails if one does.
  '@smithy/core/event-streams': './infra/lambda-shims/event-streams-unavailable.ts',
};

/** What the aliases keep out of every bundle (the bundle test checks the source map for each). */
export const PACKAGES_NEVER_BUNDLED = [
  '@aws-sdk/credential-provider-node',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/token-providers',
  '@aws-sdk/nested-clients',
  '@smithy/credential-provider-imds',
] as const;

/** Parts of packages the aliases keep out (source paths under node_modules; the bundle test checks them). */
export const MODULES_NEVER_BUNDLED = ['@smithy/core/dist-es/submodules/event-streams/'] as const;

export const HOUSE_BUNDLE = {
  format: 'esm',
  target: BUNDLE_TARGET,
  minify: true,
  // Readable stack traces in CloudWatch: the runtime reads the map (NODE_OPTIONS=--enable-source-maps).
  sourceMap: true,
  // The map needs line mappings, not a second copy of every source file.
  sourcesContent: false,
  // Error and class names survive minification, so logs stay readable.
  keepNames: true,
  // Prefer each package's ESM build: it tree-shakes better.
  mainFields: ['module', 'main'],
  // Bundle everything, the AWS SDK included: the versions we test are the versions that run (see the
  // operator's guide), and tree-shaking keeps only the clients each function uses.
  externalModules: [] as string[],
  banner: ESM_REQUIRE_BANNER,
} as const;

/** The settings in NodejsFunction's vocabulary. */
export function nodejsBundling(): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: HOUSE_BUNDLE.target,
    minify: HOUSE_BUNDLE.minify,
    sourceMap: HOUSE_BUNDLE.sourceMap,
    sourcesContent: HOUSE_BUNDLE.sourcesContent,
    keepNames: HOUSE_BUNDLE.keepNames,
    mainFields: [...HOUSE_BUNDLE.mainFields],
    externalModules: [...HOUSE_BUNDLE.externalModules],
    banner: HOUSE_BUNDLE.banner,
    esbuildArgs: {
      '--alias': Object.entries(BUNDLE_ALIASES).map(([name, replacement]) => `${name}=${replacement}`),
    },
  };
}

/**
 * The same settings in esbuild's own vocabulary, as NodejsFunction passes them on its command line
 * (`--bundle --platform=node --outfile=<dir>/index.mjs ...`).
 */
export function esbuildOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    outfile: join(outdir, 'index.mjs'),
    format: HOUSE_BUNDLE.format,
    target: HOUSE_BUNDLE.target,
    minify: HOUSE_BUNDLE.minify,
    sourcemap: HOUSE_BUNDLE.sourceMap,
    sourcesContent: HOUSE_BUNDLE.sourcesContent,
    keepNames: HOUSE_BUNDLE.keepNames,
    mainFields: [...HOUSE_BUNDLE.mainFields],
    external: [...HOUSE_BUNDLE.externalModules],
    banner: { js: HOUSE_BUNDLE.banner },
    alias: { ...BUNDLE_ALIASES },
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'warning',
  };
}
