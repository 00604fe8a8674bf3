/**
 * `npm run bench [name ...]`: runs every `bench/*.bench.ts` (or the named ones) in turn. Each prints its
 * own figures; benchmarks never assert, they report.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.includes(basename(file, '.bench.ts')))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}`);
  process.exit(1);
}
for (const file of files) {
  const name = basename(file, '.bench.ts');
  console.log(`\n== ${name} ==`);
  const started = performance.now();
  const module = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<void> };
  await module.default();
  console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
