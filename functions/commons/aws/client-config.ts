/**
 * Every AWS SDK client gets connection and request timeouts well under its function's timeout, so a stalled
 * dependency becomes a clean 503 (webhook, api) or a recorded failure (sweep), never a killed function. The
 * SDK retries within `maxAttempts`; the worst case per call is about attempts × (connection + request).
 */
export interface AwsClientTimeouts {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxAttempts: number;
}

/** Per function: the webhook must answer within Fivetran's 10 s window (503 in under 5 s when stalled). */
export const AWS_TIMEOUTS = {
  webhook: { connectionTimeoutMs: 1_000, requestTimeoutMs: 1_500, maxAttempts: 2 },
  api: { connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000, maxAttempts: 3 },
  sweep: { connectionTimeoutMs: 2_000, requestTimeoutMs: 5_000, maxAttempts: 3 },
  alerts: { connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000, maxAttempts: 3 },
  cli: { connectionTimeoutMs: 3_000, requestTimeoutMs: 10_000, maxAttempts: 3 },
  /** The OpenLineage deliverer: its own POSTs have their own timeout (`deliverer.ts`). */
  lineage: { connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000, maxAttempts: 3 },
} as const satisfies Record<string, AwsClientTimeouts>;

/** The constructor options that carry the timeouts (the SDK builds its node:http handler from them). */
export function awsClientConfig(timeouts: AwsClientTimeouts) {
  return {
    maxAttempts: timeouts.maxAttempts,
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      // Without it the handler only warns when the timeout passes, and the call keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
}
