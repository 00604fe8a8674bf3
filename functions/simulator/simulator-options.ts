import type { EndOfList } from './paging.ts';
import type { DeliveryKnobs } from './webhook-delivery.ts';

export interface ChurnCounts {
  readonly added?: number;
  readonly removed?: number;
  readonly changed?: number;
}

/** Run-time knobs; change them on `sim.knobs` at any time. */
export interface SimulatorKnobs {
  /** Added to every API answer. */
  latencyMs: number;
  endOfList: EndOfList;
  /** A scoped key's view: only these groups (and their destinations and connections); null = everything. */
  visibleGroupIds: string[] | null;
  /** Event names webhook creation refuses (as Fivetran would refuse a name it does not know). */
  unsupportedEvents: string[];
  /** Applied just before each new `GET /v1/connections` listing: the account moves on between calls. */
  churnBetweenListings: ChurnCounts | null;
  /** The account's hourly request limit (`X-Rate-Limit`): 20,000 on paid plans, 500 on trial. */
  rateLimitPerHour: number;
  /** `missing`: the sync-history endpoint answers a generic 404; `unknown_shape`: items no client reads. */
  syncHistory: 'available' | 'missing' | 'unknown_shape';
}

export interface SimulatorOptions {
  readonly seed?: number | string;
  readonly groups?: number;
  readonly connections?: number;
  readonly apiKey?: string;
  readonly apiSecret?: string;
  readonly accountName?: string;
  readonly keyKind?: 'user' | 'system';
  /** A trial account: 500 requests an hour instead of 20,000. */
  readonly trial?: boolean;
  /**
   * Real Fivetran's odd shapes (what the demo should show): lower-case destination `setup_status` on some
   * groups, tasks without `code`, connections answered with only the required fields (one with no
   * `status` at all), the generic schema 404, new connections `incomplete` + historical, a historical first
   * sync, a connection that goes late, and in timer mode syncs that last seconds with failures clustered
   * on the broken connectors. Off by default: the classic account stays the same for the same seed.
   */
  readonly quirks?: boolean;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly latencyMs?: number;
  readonly endOfList?: EndOfList;
  /** Timer mode (demo): run one simulated sync every this many ms. Off by default. */
  readonly syncEveryMs?: number | null;
  readonly delivery?: Partial<DeliveryKnobs>;
  readonly now?: () => number;
}
