import type { Filter } from './query-page.ts';
import { TTL_ATTRIBUTE } from './table-definition.ts';

const DAY_SECONDS = 86_400;

/**
 * Raw events, quarantined bodies and sync runs expire `retentionDays` after their last write. TTL is only
 * garbage collection (dynalite has none; DynamoDB may take 48 h), so every read also filters expired items.
 */
export interface Retention {
  /** The TTL attribute's value (epoch seconds) for an item written at `ms`. */
  expiresAt(ms: number): number;
  /** The filter that keeps only items not yet expired at `ms`. */
  notExpired(ms: number): Filter;
}

export function retention(retentionDays: number): Retention {
  return {
    expiresAt: (ms) => Math.floor(ms / 1000) + retentionDays * DAY_SECONDS,
    notExpired: (ms) => ({
      expression: '#ttl > :now',
      names: { '#ttl': TTL_ATTRIBUTE },
      values: { ':now': Math.floor(ms / 1000) },
    }),
  };
}
