import type { HealthNotifier } from '../ingest/health-notifier.ts';
import type { Repositories } from '../store/repositories.ts';
import { configuredChannels } from './alert-channels.ts';
import type { AlertConfig } from './alert-config.ts';
import type { DeliverySettings } from './alert-deliverer.ts';
import { alertInboxNotifier } from './alert-inbox-notifier.ts';
import { type AlertLoop, startAlertLoop } from './alert-loop.ts';
import type { AlertLogger } from './alert-model.ts';
import { type AlertPassReport, runAlertPass } from './alert-pass.ts';

/**
 * Alerts in the local server: the notifier that keeps each health change, and alert passes in this
 * process (every few seconds, and shortly after a change) that plan, run the clock and deliver directly.
 */
export interface LocalAlertsOptions {
  readonly config: AlertConfig;
  /** Between passes. Default 5 s. */
  readonly intervalMs?: number;
  readonly fetch?: typeof fetch;
  readonly delivery?: Partial<DeliverySettings>;
  /** Fivetran's web app, for links (tests point it elsewhere). */
  readonly fivetranAppUrl?: string;
  /** Told about each pass (tests wait on it). */
  readonly onPass?: (report: AlertPassReport) => void;
}

export interface LocalAlerts {
  readonly notifier: HealthNotifier;
  start(): void;
  /** Runs a pass shortly (a change was kept; or the clock moved, in tests). */
  nudge(): void;
  /** Resolves when no pass is running or due shortly. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

function lineLogger(log: (line: string) => void): AlertLogger {
  const line = (message: string) => log(`alerts: ${message}`);
  return { info: line, warn: line, error: line };
}

export function localAlerts(
  repositories: Repositories,
  options: LocalAlertsOptions,
  shell: { readonly log: (line: string) => void; readonly now?: () => number },
): LocalAlerts {
  const logger = lineLogger(shell.log);
  const clock = shell.now;
  const now = clock ? () => new Date(clock()) : () => new Date();
  let loop: AlertLoop | null = null;

  async function pass(): Promise<AlertPassReport> {
    const report = await runAlertPass({
      repositories,
      config: options.config,
      logger,
      now,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.delivery ? { delivery: options.delivery } : {}),
      ...(options.fivetranAppUrl ? { fivetranAppUrl: options.fivetranAppUrl } : {}),
    });
    const sent = report.delivery.delivered;
    if (sent > 0) logger.info(`sent ${sent} message${sent === 1 ? '' : 's'}`);
    options.onPass?.(report);
    return report;
  }

  return {
    notifier: alertInboxNotifier(repositories.alertChanges, {
      ...(clock ? { now: clock } : {}),
      onRecorded: () => loop?.nudge(),
    }),
    start() {
      if (!loop) logger.info(`on for ${configuredChannels(options.config.channels).join(', ')}`);
      loop ??= startAlertLoop({
        pass,
        ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
        onError: (error) => logger.error(`alert pass failed: ${(error as Error).message}`),
      });
    },
    nudge: () => loop?.nudge(),
    idle: async () => loop?.idle(),
    stop: async () => loop?.stop(),
  };
}
