import { spawnSync } from 'node:child_process';

const w = (a: string[]) => {
  const s = performance.now();
  const r = spawnSync(process.execPath, a);
  if (r.status) throw new Error(String(r.stderr));
  return performance.now() - s;
};
const v: Record<string, string[]> = {
  bare: ['-e', ''],
  esmEmpty: ['--input-type=module', '-e', 'await 0'],
  builtins: ['-e', process.argv[2]!],
};
const res: Record<string, number[]> = {};
for (let i = 0; i < 25; i++) for (const [k, a] of Object.entries(v)) (res[k] ??= []).push(w(a));
for (const [k, x] of Object.entries(res)) {
  x.sort((a, b) => a - b);
  console.log(k, x[12]!.toFixed(1), x[0]!.toFixed(1));
}
