/**
 * A DynamoDB client whose calls fail on purpose: an AWS SDK v3 middleware on the client's own stack fails,
 * throttles or times out a chosen share of calls, drawn from a seeded PRNG so a failing run can be replayed.
 * Everything else is the real SDK talking to a real dynalite.
 */
import {
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  type ServiceInputTypes,
  type ServiceOutputTypes,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  FinalizeRequestMiddleware,
  InitializeMiddleware,
  RetryErrorInfo,
  RetryStrategyV2,
  StandardRetryToken,
} from '@smithy/types';
import { documentClient } from '#commons/store/table/document-client';
import { createRandom } from '../../../functions/simulator/prng.ts';

/**
 * - `fail`: a 500 InternalServerError, nothing written;
 * - `throttle`: ProvisionedThroughputExceededException, nothing written;
 * - `timeout`: the request never reaches the table and the caller sees a socket timeout;
 * - `lost-response`: the request IS applied, then the caller sees a socket timeout (the nastiest case: a
 *   write the caller believes failed).
 */
export type DynamoFault = 'fail' | 'throttle' | 'timeout' | 'lost-response';

export const ALL_FAULTS: readonly DynamoFault[] = ['fail', 'throttle', 'timeout', 'lost-response'];

export interface FaultPlan {
  /** Share of calls that fail, 0..1. Change it at run time with `setRate`. */
  readonly rate: number;
  readonly kinds?: readonly DynamoFault[];
  readonly seed?: number | string;
  /**
   * `above-retries`: the store sees every injected fault (the SDK does not retry it).
   * `below-retries`: each SDK attempt may fail, and the SDK's own retries (`maxAttempts`) come first.
   */
  readonly layer?: 'above-retries' | 'below-retries';
  /** SDK attempts per call (default 2, like the local server's client). */
  readonly maxAttempts?: number;
  /** Which operations may fail (e.g. `PutItemCommand`); all when absent. */
  readonly only?: (commandName: string) => boolean;
}

export interface FaultyDynamo {
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /** Calls seen (each SDK attempt counts when below retries) and faults injected, by kind. */
  readonly stats: { calls: number; injected: Record<DynamoFault, number> };
  setRate(rate: number): void;
  destroy(): void;
}

function timeoutError(): Error {
  return Object.assign(new Error('socket hang up: the request timed out (injected)'), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
    $metadata: {},
  });
}

function injectedError(kind: Exclude<DynamoFault, 'lost-response'>): Error {
  switch (kind) {
    case 'fail':
      return new InternalServerError({
        message: 'Internal server error (injected)',
        $metadata: { httpStatusCode: 500 },
      });
    case 'throttle':
      return new ProvisionedThroughputExceededException({
        message: 'The level of configured provisioned throughput for the table was exceeded (injected)',
        $metadata: { httpStatusCode: 400 },
      });
    case 'timeout':
      return timeoutError();
  }
}

/** The SDK's retry loop with tiny fixed delays, so tests that make it retry stay fast. */
function quickRetries(maxAttempts: number): RetryStrategyV2 {
  const token = (count: number): StandardRetryToken =>
    ({ getRetryCount: () => count, getRetryDelay: () => 2 * count }) as unknown as StandardRetryToken;
  return {
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (previous, info: RetryErrorInfo) => {
      const count = previous.getRetryCount() + 1;
      if (count >= maxAttempts || info.errorType === 'CLIENT_ERROR') throw new Error('no retry left');
      return token(count);
    },
    recordSuccess: () => {},
  };
}

export function faultyDynamo(endpoint: string, plan: FaultPlan): FaultyDynamo {
  const random = createRandom(plan.seed ?? 'dynamo-faults');
  const kinds = plan.kinds ?? ALL_FAULTS;
  let rate = plan.rate;
  const stats = {
    calls: 0,
    injected: { fail: 0, throttle: 0, timeout: 0, 'lost-response': 0 } as Record<DynamoFault, number>,
  };
  const maxAttempts = plan.maxAttempts ?? 2;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
    retryStrategy: quickRetries(maxAttempts),
  });
  /** Runs one call (or attempt), or fails it as the plan says. */
  async function maybeFail<T>(commandName: unknown, call: () => Promise<T>): Promise<T> {
    stats.calls++;
    if (plan.only && !plan.only(String(commandName ?? ''))) return call();
    if (!random.chance(rate)) return call();
    const kind = random.pick(kinds);
    stats.injected[kind]++;
    if (kind === 'lost-response') {
      await call();
      throw timeoutError();
    }
    // A failed call still takes a moment, as a real one would.
    await new Promise((resolve) => setTimeout(resolve, kind === 'timeout' ? 3 : 0));
    throw injectedError(kind);
  }
  if (plan.layer === 'below-retries') {
    // Inside the SDK's retry loop: each attempt passes here.
    const perAttempt: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> =
      (next, context) => (args) =>
        maybeFail(context.commandName, () => next(args));
    client.middlewareStack.add(perAttempt, {
      step: 'finalizeRequest',
      priority: 'low',
      name: 'injectFaults',
    });
  } else {
    // Outside it: the store sees every injected fault.
    const perCall: InitializeMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => (args) =>
      maybeFail(context.commandName, () => next(args));
    client.middlewareStack.add(perCall, { step: 'initialize', priority: 'high', name: 'injectFaults' });
  }
  return {
    client,
    documentClient: documentClient(client),
    stats,
    setRate: (next) => {
      rate = next;
    },
    destroy: () => client.destroy(),
  };
}
