import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SweepLeaseRepository } from '../store/repositories/sweep-lease.ts';
import { newSweepId, type SweepControl, type SweepInvocation } from './sweep-control.ts';

export interface AsyncSweepControlOptions {
  readonly lease: SweepLeaseRepository;
  readonly lambda: LambdaClient;
  /** The sweep Lambda's name or ARN. */
  readonly functionName: string;
  readonly now?: () => number;
}

/**
 * `POST /api/sweeps` deployed: busy while a sweep holds the lease; otherwise the sweep Lambda is invoked
 * asynchronously (`InvocationType: Event`) with a pre-assigned id, so the answer is immediate and names the
 * sweep to follow in `GET /api/sweeps`. Two requests racing past the lease check both invoke; the sweep
 * Lambda's own lease lets one run and the other return at once.
 */
export function asyncSweepControl(options: AsyncSweepControlOptions): SweepControl {
  const now = options.now ?? Date.now;
  return {
    async start() {
      const lease = await options.lease.readActive(now());
      if (lease !== null) return { status: 'busy', id: lease.sweep_id };
      const id = newSweepId(now());
      const invocation: SweepInvocation = { sweep_id: id };
      const result = await options.lambda.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(invocation)),
        }),
      );
      if (result.StatusCode !== 202) {
        throw new Error(`the sweep function did not accept the invocation (status ${result.StatusCode})`);
      }
      return { status: 'started', id };
    },
  };
}
