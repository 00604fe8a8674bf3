import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { HealthChange, HealthNotifier } from '../ingest/health-notifier.ts';

/** What a health-change event looks like on the bus; the stack's optional e-mail rule matches on these. */
export const HEALTH_EVENT_SOURCE = 'fivetran-metadata';
export const HEALTH_EVENT_DETAIL_TYPE = 'Connection Health Changed';

/** The detail of a health-change event: connection id, schema, service, group, from, to, why, since, at. */
export function healthChangeDetail(change: HealthChange): Record<string, unknown> {
  return {
    connection_id: change.connection_id,
    schema: change.schema,
    service: change.service,
    group_id: change.group_id,
    from: change.previous,
    to: change.health,
    reason: change.health_reason?.message ?? null,
    reason_code: change.health_reason?.code ?? null,
    since: change.health_reason?.since ?? null,
    at: change.changed_at,
  };
}

/**
 * Whether a change is news for whoever subscribes (e-mail, chat): every real transition, and a connection
 * first seen already failing or delayed. A connection first seen healthy or paused is not: the first sweep
 * of a large account would otherwise send one event per connection.
 */
export function isAlertWorthy(change: HealthChange): boolean {
  return change.previous !== null || change.health === 'failing' || change.health === 'delayed';
}

/**
 * Publishes each alert-worthy health change to the default EventBridge bus. A rejected entry is an error, so the
 * store's notifier-error hook logs it (the write that caused it has already succeeded).
 */
export function eventBridgeHealthNotifier(
  client: EventBridgeClient,
  eventBusName = 'default',
): HealthNotifier {
  return {
    async onHealthChange(change) {
      if (!isAlertWorthy(change)) return;
      const result = await client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: eventBusName,
              Source: HEALTH_EVENT_SOURCE,
              DetailType: HEALTH_EVENT_DETAIL_TYPE,
              Detail: JSON.stringify(healthChangeDetail(change)),
              Time: new Date(change.changed_at),
            },
          ],
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) {
        const entry = result.Entries?.find((e) => e.ErrorCode);
        throw new Error(
          `EventBridge rejected the health event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`,
        );
      }
    },
  };
}
