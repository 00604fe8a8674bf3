import { type DelivererDeps, type DeliveryReport, deliverDue } from './deliverer.ts';

export interface DeliveryLoop {
  /** One delivery run now (also what the timer does); runs never overlap. */
  runNow(): Promise<DeliveryReport | null>;
  /** No new runs; resolves once the one in flight (if any) has finished. */
  stop(): Promise<void>;
}

/**
 * The local server's deliverer: `deliverDue` every `intervalMs` (the deployed product runs the same call
 * from a Lambda on a one-minute schedule). A failed run is reported and tried again on the next tick.
 */
export function startDeliveryLoop(
  deps: DelivererDeps & { readonly intervalMs: number; readonly onError?: (error: unknown) => void },
): DeliveryLoop {
  let running: Promise<DeliveryReport | null> | null = null;
  let stopped = false;
  const runNow = () => {
    if (stopped) return Promise.resolve(null);
    running ??= deliverDue(deps)
      .catch((error: unknown) => {
        deps.onError?.(error);
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void runNow(), deps.intervalMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
