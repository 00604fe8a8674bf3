/** `"200"`, `"429"`, … or `"error"` for an attempt that got no HTTP answer (network error, timeout). */
export type RequestOutcome = number | 'error';

export interface RequestTally {
  readonly total: number;
  readonly by_status: Readonly<Record<string, number>>;
}

export interface RequestCountSnapshot extends RequestTally {
  /** Keyed by method and path template, e.g. `GET /v1/connections/{id}`. */
  readonly by_endpoint: Readonly<Record<string, RequestTally>>;
}

/**
 * Counts every HTTP attempt (retries included) by endpoint and status. One counter can be shared by
 * several clients, so a sweep reports all the requests it spent against the account's hourly budget.
 */
export class RequestCounter {
  readonly #byEndpoint = new Map<string, Map<string, number>>();

  record(endpoint: string, outcome: RequestOutcome): void {
    const statuses = this.#byEndpoint.get(endpoint) ?? new Map<string, number>();
    const key = String(outcome);
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    this.#byEndpoint.set(endpoint, statuses);
  }

  get total(): number {
    let total = 0;
    for (const statuses of this.#byEndpoint.values()) for (const n of statuses.values()) total += n;
    return total;
  }

  snapshot(): RequestCountSnapshot {
    const byStatus: Record<string, number> = {};
    const byEndpoint: Record<string, RequestTally> = {};
    let total = 0;
    for (const [endpoint, statuses] of [...this.#byEndpoint].sort(([a], [b]) => a.localeCompare(b))) {
      const tally: Record<string, number> = {};
      let endpointTotal = 0;
      for (const [status, n] of statuses) {
        tally[status] = n;
        byStatus[status] = (byStatus[status] ?? 0) + n;
        endpointTotal += n;
      }
      byEndpoint[endpoint] = { total: endpointTotal, by_status: tally };
      total += endpointTotal;
    }
    return { total, by_status: byStatus, by_endpoint: byEndpoint };
  }

  reset(): void {
    this.#byEndpoint.clear();
  }
}
