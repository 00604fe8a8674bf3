import { appendFileSync } from 'node:fs';

/**
 * Figures for docs/reliability.md: with RELIABILITY_FIGURES=<file> set, each test appends what it measured
 * as one JSON line (`npx vitest run test/reliability` then prints nothing extra); otherwise a no-op.
 */
export function recordFigure(name: string, figures: Record<string, unknown>): void {
  const file = process.env.RELIABILITY_FIGURES;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ name, ...figures })}\n`);
}
