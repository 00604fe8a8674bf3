import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { productHealthNotifier } from '../alerts/health-notifiers.ts';
import type { awsClientConfig } from '../aws/client-config.ts';
import { type ConnectionWriter, connectionWriter } from '../ingest/connection-writer.ts';
import { logger } from '../observability/logger.ts';
import type { IngestRepositories } from '../store/repositories.ts';

/**
 * The connection writer every deployed function uses: health changes to the default EventBridge bus, the
 * dashboard's recent changes and the log; a failing notifier is logged, never fails the write.
 */
export function deployedConnectionWriter(
  repositories: Pick<IngestRepositories, 'connections' | 'healthChanges'>,
  aws: ReturnType<typeof awsClientConfig>,
): ConnectionWriter {
  return connectionWriter(repositories.connections, {
    notifier: productHealthNotifier({
      healthChanges: repositories.healthChanges,
      eventBridge: new EventBridgeClient(aws),
      log: (change) => logger.info('connection health changed', { change }),
    }),
    onNotifierError: (error, change) =>
      logger.error('health notifier failed', { error, connection_id: change.connection_id }),
  });
}
