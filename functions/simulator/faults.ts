import type { Random } from './prng.ts';

/** What a fault does to one request. */
export type FaultEffect =
  /** Answer with this status; 429 carries `Retry-After`, a 401 has no body unless `body: 'json'`. */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly retryAfterSeconds?: number;
      readonly code?: string;
      readonly body?: 'json' | 'none';
    }
  /** 200 with a body that is not JSON. */
  | { readonly kind: 'malformed' }
  /** 200 whose body stops halfway: the connection closes before `Content-Length` bytes arrive. */
  | { readonly kind: 'truncated' }
  /** The connection closes with no answer at all. */
  | { readonly kind: 'disconnect' }
  /** A listing page hands back the cursor it was asked for (only requests that carry a cursor match). */
  | { readonly kind: 'repeat_cursor' }
  /** Extra delay, then the request goes on (other faults may still apply). */
  | { readonly kind: 'latency'; readonly ms: number };

export type FaultRule = FaultEffect & {
  /** `GET /v1/connections`, `POST /v1/webhooks/{id}/test`, …; every endpoint when absent. */
  readonly endpoint?: string;
  /** Let this many matching requests through first (e.g. fail only the second page). */
  readonly skip?: number;
  /** Fire on the next N matching requests, then retire. Unlimited when absent. */
  readonly times?: number;
  /** Fire on each matching request with this probability, drawn from the seeded PRNG. */
  readonly probability?: number;
};

interface ActiveRule {
  readonly rule: FaultRule;
  skip: number;
  remaining: number;
}

export interface RequestFacts {
  /** `GET /v1/connections/{id}` */
  readonly endpoint: string;
  readonly hasCursor: boolean;
}

/** The fault plan: rules checked in order on every request; tests and demo mode add and clear them. */
export class FaultBook {
  #rules: ActiveRule[] = [];
  readonly #random: Random;

  constructor(random: Random) {
    this.#random = random;
  }

  add(rule: FaultRule): void {
    this.#rules.push({ rule, skip: rule.skip ?? 0, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.#rules = [];
  }

  get size(): number {
    return this.#rules.length;
  }

  /** Every latency that applies (summed) and the first other fault that fires for this request. */
  take(request: RequestFacts): {
    latencyMs: number;
    effect: Exclude<FaultEffect, { kind: 'latency' }> | null;
  } {
    let latencyMs = 0;
    let effect: Exclude<FaultEffect, { kind: 'latency' }> | null = null;
    for (const active of this.#rules) {
      const { rule } = active;
      if (rule.endpoint !== undefined && rule.endpoint !== request.endpoint) continue;
      if (rule.kind === 'repeat_cursor' && !request.hasCursor) continue;
      if (rule.kind !== 'latency' && effect !== null) continue;
      if (active.skip > 0) {
        active.skip--;
        continue;
      }
      if (rule.probability !== undefined && !this.#random.chance(rule.probability)) continue;
      active.remaining--;
      if (rule.kind === 'latency') latencyMs += rule.ms;
      else effect = rule;
    }
    this.#rules = this.#rules.filter((active) => active.remaining > 0);
    return { latencyMs, effect };
  }
}
