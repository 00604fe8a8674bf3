import { sameConnection } from '../connection/apply-event.ts';
import { type Connection, withHealth } from '../connection/connection.ts';
import { BoundedCache } from '../lib/bounded-cache.ts';
import { SCHEMA_VERSION } from '../lib/schema-version.ts';
import type { ConnectionRepository, SavedConnection } from '../store/repositories/connections.ts';
import type { KnownItem } from '../store/table/versioned-update.ts';
import { type HealthChange, type HealthNotifier, noopHealthNotifier } from './health-notifier.ts';

/**
 * Every connection write goes through here (webhook and sweep alike): health is recomputed, nothing is
 * written when nothing changed, and a real change of health is told to the notifier once, after the write
 * succeeded. A failing notifier is reported, never fails the write (the fact is already kept).
 */
export interface ConnectionWriter {
  save(
    id: string,
    plan: (current: Connection | null) => Connection | null,
    known?: KnownItem<Connection>,
  ): Promise<SavedConnection>;
}

export interface ConnectionWriterOptions {
  readonly notifier?: HealthNotifier;
  /** Called when the notifier throws; the write itself has already succeeded. */
  readonly onNotifierError?: (error: unknown, change: HealthChange) => void;
}

/** Connections whose newest state this process keeps as a hint (a few MB at most). */
const KNOWN_CONNECTIONS = 2_000;

export function connectionWriter(
  connections: ConnectionRepository,
  options: ConnectionWriterOptions = {},
): ConnectionWriter {
  const notifier = options.notifier ?? noopHealthNotifier;
  /**
   * The last state and item version this process read or wrote, per connection. A write trusts it (the
   * version check refuses a stale one, which then costs a read), and an event it already reflects needs no
   * request at all: a connection only moves forward, fact by fact.
   */
  const known = new BoundedCache<string, KnownItem<Connection>>(KNOWN_CONNECTIONS);
  async function notify(change: HealthChange): Promise<void> {
    try {
      await notifier.onHealthChange(change);
    } catch (error) {
      options.onNotifierError?.(error, change);
    }
  }
  return {
    async save(id, plan, hint) {
      let result: SavedConnection;
      try {
        result = await connections.update(
          id,
          (current) => {
            const planned = plan(current);
            if (planned === null) return null;
            const next = {
              ...withHealth(planned, current, planned.updated_at),
              schema_version: SCHEMA_VERSION,
            };
            return current !== null && sameConnection(current, next) ? null : next;
          },
          hint ?? known.get(id),
        );
      } catch (error) {
        known.delete(id);
        throw error;
      }
      if (result.after !== null) known.set(id, { value: result.after, version: result.version });
      const { before, after } = result;
      if (result.written && after !== null && before?.health !== after.health) {
        await notify({
          connection_id: after.id,
          group_id: after.group_id,
          service: after.service,
          schema: after.schema,
          previous: before?.health ?? null,
          health: after.health,
          health_reason: after.health_reason,
          last_sync: after.last_sync,
          changed_at: after.updated_at,
        });
      }
      return result;
    },
  };
}
