import { spawnSync } from 'node:child_process';

const env = {
  PATH: process.env.PATH!,
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'x',
  WEBHOOK_SECRET_ARN: 'x',
  API_CREDENTIAL_SECRET_ARN: 'x',
  SWEEP_FUNCTION_NAME: 'x',
};
const w = (a: string[]) => {
  const s = performance.now();
  const r = spawnSync(process.execPath, a, { env });
  if (r.status) throw new Error(String(r.stderr));
  return performance.now() - s;
};
const variants: Record<string, string[]> = { bare: ['-e', ''] };
for (const f of process.argv.slice(2)) {
  variants[f] = [
    '--enable-source-maps',
    '--input-type=module',
    '-e',
    'await import(process.argv[1])',
    'file://' + f,
  ];
  variants[f + ' nomap'] = ['--input-type=module', '-e', 'await import(process.argv[1])', 'file://' + f];
}
const res: Record<string, number[]> = {};
for (let i = 0; i < 25; i++) for (const [k, a] of Object.entries(variants)) (res[k] ??= []).push(w(a));
const med = (x: number[]) => x.sort((a, b) => a - b)[Math.floor(x.length / 2)]!;
const bare = med(res.bare!);
for (const [k, v] of Object.entries(res))
  console.log(
    k,
    'med',
    med(v).toFixed(1),
    (med(v) / bare).toFixed(2),
    'min',
    Math.min(...v).toFixed(1),
    (Math.min(...v) / Math.min(...res.bare!)).toFixed(2),
  );
