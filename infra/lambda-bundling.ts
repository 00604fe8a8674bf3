import { join } from 'node:path';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

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
    logLevel: 'warning',
  };
}
