import { fileURLToPath } from 'node:url';

/** The repository root: bundling runs from here (package-lock.json, the `#commons/*` import map). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Lambda handlers, each a module exporting `handler` (alerts only with `alertChannels` on, the lineage deliverer only when configured). */
export const LAMBDA_ENTRIES = {
  webhook: fileURLToPath(new URL('../functions/webhook/index.ts', import.meta.url)),
  api: fileURLToPath(new URL('../functions/api/index.ts', import.meta.url)),
  sweep: fileURLToPath(new URL('../functions/sweep/index.ts', import.meta.url)),
  alerts: fileURLToPath(new URL('../functions/alerts/index.ts', import.meta.url)),
  lineage: fileURLToPath(new URL('../functions/lineage/index.ts', import.meta.url)),
} as const;

export type LambdaName = keyof typeof LAMBDA_ENTRIES;
