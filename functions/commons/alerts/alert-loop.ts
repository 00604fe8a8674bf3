/**
 * Alert passes in this process (the local server): one every `intervalMs`, and one shortly after a health
 * change was kept (`nudge`), never two at once. A pass that fails is logged and the next one tries again
 * (everything it had not finished is still in the table).
 */
export interface AlertLoop {
  /** A change was kept: run a pass soon. */
  nudge(): void;
  /** Resolves when no pass is running or scheduled soon (tests). */
  idle(): Promise<void>;
  /** No new passes; resolves once a running one has finished. */
  stop(): Promise<void>;
}

export interface AlertLoopOptions {
  readonly pass: () => Promise<unknown>;
  readonly intervalMs?: number;
  /** Delay after a nudge, so a burst of changes (one sweep) is planned in one pass. */
  readonly nudgeDelayMs?: number;
  readonly onError: (error: unknown) => void;
}

export const DEFAULT_ALERT_INTERVAL_MS = 5_000;
export const DEFAULT_NUDGE_DELAY_MS = 200;

export function startAlertLoop(options: AlertLoopOptions): AlertLoop {
  const intervalMs = options.intervalMs ?? DEFAULT_ALERT_INTERVAL_MS;
  const nudgeDelayMs = options.nudgeDelayMs ?? DEFAULT_NUDGE_DELAY_MS;
  let stopped = false;
  let running: Promise<void> | null = null;
  /** A nudge arrived while a pass ran: run again right after it. */
  let again = false;
  let soon: NodeJS.Timeout | null = null;

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        await options.pass();
      } catch (error) {
        options.onError(error);
      }
    })().finally(() => {
      running = null;
      if (again && !stopped) {
        again = false;
        run();
      }
    });
  }

  const ticker = setInterval(run, intervalMs);
  ticker.unref();
  // The first pass at start: what an earlier run left due goes out now.
  run();

  return {
    nudge() {
      if (stopped || soon) return;
      soon = setTimeout(() => {
        soon = null;
        run();
      }, nudgeDelayMs);
      soon.unref();
    },
    async idle() {
      while (soon || running) {
        if (running) await running;
        else await new Promise((resolve) => setTimeout(resolve, nudgeDelayMs));
      }
    },
    async stop() {
      stopped = true;
      clearInterval(ticker);
      if (soon) clearTimeout(soon);
      soon = null;
      again = false;
      while (running) await running;
    },
  };
}
