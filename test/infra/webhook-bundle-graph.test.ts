import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/lambda-bundling.ts';
import { LAMBDA_ENTRIES } from '../../infra/lambda-entries.ts';

/**
 * The webhook Lambda's cold start depends on what its bundle holds and how esbuild lays it out. Classic zod
 * (and the locales it loads) costs parse and schema-construction time on every cold start, and a dynamic
 * `import()` of code that shares modules with the static graph makes esbuild wrap nearly every module in a
 * lazy `__esm` initialiser, each parsed twice. Both regressions are invisible in the handler's behaviour.
 */

/** The one wrapper the bundle has always had: the event-streams stand-in, which the SDK imports lazily. */
const MAX_LAZY_WRAPPERS = 3;

let metafile: Metafile;
let code: string;
beforeAll(async () => {
  // The deployed settings, unminified so esbuild's helpers keep their names; the module graph and which
  // modules are wrapped do not depend on minification. Nothing is written to disk.
  const result = await build({
    ...esbuildOptions(LAMBDA_ENTRIES.webhook, 'webhook-graph'),
    minify: false,
    write: false,
    metafile: true,
  });
  metafile = result.metafile;
  code = result.outputFiles.find((file) => file.path.endsWith('.mjs'))?.text ?? '';
}, 60_000);

describe('the webhook bundle', () => {
  it('holds no classic zod and no zod locale: its shapes are zod/mini with named imports', () => {
    // Act: what the output holds. `metafile.inputs` also lists files esbuild read and then dropped (the
    // locales zod/v4/core re-exports as a namespace are read, never bundled).
    const output = Object.values(metafile.outputs).find((entry) => entry.entryPoint !== undefined);
    const inputs = Object.keys(output?.inputs ?? {});
    const heavy = inputs.filter((path) => /node_modules\/zod\/v4\/(classic|locales)\//.test(path));

    // Assess
    expect(
      inputs.some((path) => path.includes('node_modules/zod/v4/mini/')),
      'zod/mini is bundled',
    ).toBe(true);
    expect(heavy).toEqual([]);
  });

  it('loads the project code statically, so esbuild wraps (almost) nothing in a lazy initialiser', () => {
    // Act
    const dynamicEdges = Object.entries(metafile.inputs).flatMap(([path, input]) =>
      path.startsWith('functions/')
        ? input.imports
            .filter((edge) => edge.kind === 'dynamic-import')
            .map((edge) => `${path} → ${edge.path}`)
        : [],
    );
    const wrappers = [...code.matchAll(/\bvar (init_\w+) = __esm\(/g)].map((match) => match[1]);

    // Assess
    expect(dynamicEdges).toEqual([]);
    expect(wrappers.length, `lazily wrapped: ${wrappers.slice(0, 20).join(', ')}`).toBeLessThanOrEqual(
      MAX_LAZY_WRAPPERS,
    );
  });
});
