import type { ConnectionRepository } from '../store/repositories/connections.ts';
import type { HealthCounts } from '../store/repositories/health-counts.ts';

export interface CachedHealthCounts {
  /** The counts and when they were counted (ISO). */
  read(): Promise<HealthCounts & { readonly counted_at: string }>;
}

/**
 * Counting reads every connection item of the health listings (10,000 connections take ~0.3 s on dynalite),
 * so the counts are kept for `maxAgeMs` and counted again after that; concurrent readers share one count.
 * `maxAgeMs` 0 counts on every read.
 */
export function cachedHealthCounts(
  connections: ConnectionRepository,
  options: { readonly maxAgeMs: number; readonly now?: () => number },
): CachedHealthCounts {
  const now = options.now ?? Date.now;
  let cached: { counts: HealthCounts; at: number } | null = null;
  let counting: Promise<{ counts: HealthCounts; at: number }> | null = null;
  return {
    async read() {
      if (cached === null || now() - cached.at >= options.maxAgeMs) {
        counting ??= (async () => {
          const at = now();
          const counts = await connections.countByHealth();
          return { counts, at };
        })().finally(() => {
          counting = null;
        });
        cached = await counting;
      }
      return { ...cached.counts, counted_at: new Date(cached.at).toISOString() };
    },
  };
}
