import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { alertInboxNotifier } from '../alerts/alert-inbox-notifier.ts';
import { productHealthNotifier } from '../alerts/health-notifiers.ts';
import type { awsClientConfig } from '../aws/client-config.ts';
import type { Env } from '../config/env.ts';
import { type ConnectionWriter, connectionWriter } from '../ingest/connection-writer.ts';
import { logger } from '../observability/logger.ts';
import type { IngestRepositories } from '../store/repositories.ts';

/**
 * Whether the stack turned alerts on (`-c alertChannels=`, default on): it then sets `ALERT_CHANNELS` on
 * the writers, which keep each health change for the alerts function. The writers never read the channels'
 * secret: which channels are filled in is the alerts function's business.
 */
export function alertsSwitchedOn(env: Env): boolean {
  return (env.ALERT_CHANNELS ?? '').trim() !== '';
}

/**
 * The connection writer every deployed function uses: health changes to the default EventBridge bus, the
 * dashboard's recent changes, the log, and with alerts on the alert inbox; a failing notifier is logged,
 * never fails the write.
 */
export function deployedConnectionWriter(
  repositories: Pick<IngestRepositories, 'connections' | 'healthChanges' | 'alertChanges'>,
  aws: ReturnType<typeof awsClientConfig>,
  env: Env = process.env,
): ConnectionWriter {
  return connectionWriter(repositories.connections, {
    notifier: productHealthNotifier({
      healthChanges: repositories.healthChanges,
      eventBridge: new EventBridgeClient(aws),
      log: (change) => logger.info('connection health changed', { change }),
      alerts: alertsSwitchedOn(env) ? alertInboxNotifier(repositories.alertChanges) : undefined,
    }),
    onNotifierError: (error, change) =>
      logger.error('health notifier failed', { error, connection_id: change.connection_id }),
  });
}
